using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class FairSharePickTests
{
    private static readonly (int, TenantHead)[] Heads =
    [
        (0, new TenantHead("a", 100, 10)),
        (1, new TenantHead("b", 0, 20)),
        (2, new TenantHead("c", 5, 5)),
    ];

    [Fact]
    public void Off_the_best_head_wins_whoever_runs_what()
    {
        var running = new Dictionary<string, int> { ["b"] = 0, ["a"] = 9 };
        Assert.Equal(0, FairShare.Off.Pick(Heads, running));
    }

    [Fact]
    public void On_the_tenant_furthest_below_its_share_wins_then_priority()
    {
        var share = new FairShare(true, new Dictionary<string, double>());
        Assert.Equal(0, share.Pick(Heads, new Dictionary<string, int>()));                       // nobody runs: priority
        Assert.Equal(2, share.Pick(Heads, new Dictionary<string, int> { ["a"] = 1 }));           // b and c run nothing: c's priority
        Assert.Equal(1, share.Pick(Heads, new Dictionary<string, int> { ["a"] = 1, ["c"] = 1 })); // only b runs nothing
    }

    [Fact]
    public void Weights_divide_the_slots_in_proportion()
    {
        var share = new FairShare(true, FairShare.ParseWeights("a=3; *=1"));
        // a runs 3 at weight 3 (1 per unit), b runs 1 at weight 1 (1 per unit): equal, so priority
        Assert.Equal(0, share.Pick(Heads[..2], new Dictionary<string, int> { ["a"] = 3, ["b"] = 1 }));
        // a runs 4 (1.33 per unit) against b's 1: b
        Assert.Equal(1, share.Pick(Heads[..2], new Dictionary<string, int> { ["a"] = 4, ["b"] = 1 }));
    }

    [Fact]
    public void Nothing_to_pick_is_minus_one()
    {
        Assert.Equal(-1, new FairShare(true, new Dictionary<string, double>()).Pick([], new Dictionary<string, int>()));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a=0")]
    [InlineData("a=-1")]
    [InlineData("a=1001")]
    [InlineData("a=NaN")]
    [InlineData("=2")]
    public void Bad_weights_are_refused_with_the_variable_s_name(string spec)
    {
        var e = Assert.Throws<InvalidOperationException>(() => FairShare.ParseWeights(spec));
        Assert.Contains("JOBS_TENANT_WEIGHTS", e.Message);
    }
}

public sealed class TenantHeadsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PartitionState Accept(PartitionState s, string id, string tenant, int priority, int second) =>
        s.Apply(new JobAccepted(id, new JobSpec { Type = "noop", Tenant = tenant, Priority = priority }, null, T0.AddSeconds(second))).State;

    [Fact]
    public void Each_tenant_s_best_pending_job_is_its_head_and_the_overall_head_is_the_best_of_them()
    {
        var s = PartitionState.Empty;
        s = Accept(s, "a-low", "a", 0, 1);
        s = Accept(s, "b-1", "b", 5, 2);
        s = Accept(s, "a-high", "a", 9, 3);
        s = Accept(s, "b-2", "b", 5, 4);
        s = Accept(s, "ab", "ab", 1, 5);

        Assert.Equal("a-high", s.HeadOf("a")!.Id);
        Assert.Equal("b-1", s.HeadOf("b")!.Id);
        Assert.Equal("ab", s.HeadOf("ab")!.Id);
        Assert.Null(s.HeadOf("c"));
        Assert.Equal("a-high", s.Head!.Id);
        Assert.Equal([("a", 9), ("b", 5), ("ab", 1)], s.TenantHeads().Select(h => (h.Tenant, h.Priority)));
        Assert.Equal("b-1", JobRules.StartNext(s, "n", T0, "b")!.JobId);
    }

    [Fact]
    public void A_partition_offers_at_most_the_best_MaxTenantHeads_heads()
    {
        var s = PartitionState.Empty;
        for (var i = 0; i < PartitionState.MaxTenantHeads + 10; i++) s = Accept(s, $"j{i}", $"t{i:D3}", i, i);

        var heads = s.TenantHeads();

        Assert.Equal(PartitionState.MaxTenantHeads, heads.Count);
        Assert.Equal(PartitionState.MaxTenantHeads + 9, heads[0].Priority);
    }
}
