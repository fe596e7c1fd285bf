using System.Collections.Immutable;
using Akka.Actor;
using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class PartitionLayoutTests
{
    private readonly PartitionLayout _layout = new(32, ["default", "gpu", "email"], 8);

    [Fact]
    public void Default_queue_ids_keep_their_partitions_and_other_queues_get_their_own_block()
    {
        Assert.Equal(48, _layout.Total);
        Assert.Equal(["default", "gpu", "email"], _layout.Queues);
        // default-queue ids hash exactly as before queues existed (data sets stay valid)
        foreach (var id in new[] { "06H08Q8PRENNFRZK0R7DCQ7WDM", "k-ABC", "job-1" })
            Assert.Equal(JobIds.PartitionOf(id, 32), _layout.PartitionOf(id));
        var gpu = PartitionLayout.IdFor("gpu", "06H08Q8PRENNFRZK0R7DCQ7WDM");
        Assert.Equal("gpu.06H08Q8PRENNFRZK0R7DCQ7WDM", gpu);
        Assert.Equal("gpu", PartitionLayout.QueueOfId(gpu));
        Assert.InRange(_layout.PartitionOf(gpu), 32, 39);
        Assert.InRange(_layout.PartitionOf("email.X"), 40, 47);
        Assert.Equal("gpu", _layout.QueueOfPartition(_layout.PartitionOf(gpu)));
        Assert.Equal("default", _layout.QueueOfPartition(31));
        Assert.Equal("email", _layout.QueueOfPartition(47));
        // an id naming an unknown queue lands in the default block (where it is simply not found)
        Assert.InRange(_layout.PartitionOf("nope.X"), 0, 31);
    }

    [Fact]
    public void A_settings_copy_with_other_partitions_or_queues_gets_its_own_layout()
    {
        var settings = new Jobs.Actors.Settings.PartitionOptions { Count = 32, Queues = ["default", "gpu"] };
        Assert.Equal(40, settings.Layout.Total);
        Assert.Same(settings.Layout, settings.Layout);
        Assert.Equal(24, (settings with { Count = 16 }).Layout.Total);
        Assert.Equal(48, (settings with { Queues = ["default", "gpu", "email"] }).Layout.Total);
        Assert.Equal(40, (settings with { SnapshotEvery = 10 }).Layout.Total);
    }

    [Fact]
    public void Ids_of_new_jobs_carry_their_queue_and_keyed_ids_are_stable()
    {
        var spec = new JobSpec { Type = "noop", Queue = "gpu", IdempotencyKey = "k1", Tenant = "t" };
        Assert.Equal(JobIds.ForNewJob(spec, DateTimeOffset.UtcNow), JobIds.ForNewJob(spec, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.StartsWith("gpu.k-", JobIds.ForNewJob(spec, DateTimeOffset.UtcNow));
        Assert.DoesNotContain('.', JobIds.ForNewJob(spec with { Queue = "default" }, DateTimeOffset.UtcNow));
        Assert.Equal(JobIds.ForBatchJob("t", "b1", 7), JobIds.ForBatchJob("t", "b1", 7));
        Assert.NotEqual(JobIds.ForBatchJob("t", "b1", 7), JobIds.ForBatchJob("t", "b1", 8));
        Assert.NotEqual(JobIds.ForBatchJob("t", "b1", 7), JobIds.ForBatchJob("u", "b1", 7));
    }
}

public sealed class QueueAwareAllocationTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly PartitionLayout _layout = new(6, ["default", "gpu"], 2);

    [Fact]
    public void Partitions_stranded_on_a_node_that_does_not_serve_their_queue_move_first()
    {
        var a = CreateTestProbe("a").Ref;
        var gpuNode = CreateTestProbe("gpu").Ref;
        var strategy = new QueueAwareAllocationStrategy(Sys, _layout);
        // node a (default only) holds everything, including gpu partitions 6 and 7
        var allocations = Alloc((a, ["0", "1", "2", "3", "4", "5", "6", "7"]), (gpuNode, []));
        var moves = strategy.PickMoves(allocations, (r, q) => q == "default" || r.Equals(gpuNode));
        Assert.Contains("6", moves);
        Assert.Contains("7", moves);
        Assert.True(moves.Count <= QueueAwareAllocationStrategy.MaxMovesPerRound);
    }

    [Fact]
    public void Without_a_serving_node_a_queue_stays_put_and_a_balanced_cluster_moves_nothing()
    {
        var a = CreateTestProbe("a").Ref;
        var b = CreateTestProbe("b").Ref;
        var strategy = new QueueAwareAllocationStrategy(Sys, _layout);
        var allocations = Alloc((a, ["0", "1", "2", "6"]), (b, ["3", "4", "5", "7"]));
        Assert.Empty(strategy.PickMoves(allocations, (_, q) => q == "default"));
        var skewed = Alloc((a, ["0", "1", "2", "3", "4", "6", "7"]), (b, ["5"]));
        Assert.Equal(2, strategy.PickMoves(skewed, (_, q) => q == "default").Count);
    }

    private static IImmutableDictionary<IActorRef, IImmutableList<string>> Alloc(params (IActorRef Region, string[] Shards)[] regions) =>
        regions.ToImmutableDictionary(r => r.Region, r => (IImmutableList<string>)r.Shards.ToImmutableList());
}
