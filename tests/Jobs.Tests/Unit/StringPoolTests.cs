using Jobs.Actors.Supervision;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>
/// Pending jobs share one instance of the strings they repeat (type, queue, tenant, batch id). The
/// "batch …" detail of the acceptance entry is not stored at all (JobRecord implies it; JobRecordTests).
/// </summary>
public sealed class StringPoolTests
{
    // distinct instances with equal values, as two deserialized requests or journal rows have
    private static string Fresh(string s) => new(s.AsSpan());

    private static JobAccepted Accepted(string id) => new(id,
        new JobSpec { Type = Fresh("pool-type"), Queue = Fresh("pool-queue"), Tenant = Fresh("pool-tenant") },
        Fresh("pool-batch"), DateTimeOffset.UnixEpoch);

    [Fact]
    public void Two_accepted_jobs_share_their_repeated_strings()
    {
        var (s1, a) = PartitionState.Empty.Apply(Accepted("a"));
        var (_, b) = s1.Apply(Accepted("b"));
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Same(a.Spec.Type, b.Spec.Type);
        Assert.Same(a.Spec.Queue, b.Spec.Queue);
        Assert.Same(a.Spec.Tenant, b.Spec.Tenant);
        Assert.Same(a.BatchId, b.BatchId);
        Assert.Equal(("pool-type", "pool-batch", "batch pool-batch"), (b.Spec.Type, b.BatchId, b.History[0].Detail));
    }

    [Fact]
    public void Share_returns_an_equal_value()
    {
        var value = Fresh("pool-value-" + Guid.NewGuid());
        Assert.Equal(value, StringPool.Share(value));
        Assert.Same(StringPool.Share(value), StringPool.Share(Fresh(value)));
        Assert.Null(StringPool.ShareOrNull(null));
    }

    [Fact]
    public void A_full_pool_starts_over_and_keeps_sharing_new_values()
    {
        for (var i = 0; i <= StringPool.Capacity; i++) StringPool.Share("pool-fill-" + i);
        var late = Fresh("pool-late-" + Guid.NewGuid());
        Assert.Same(StringPool.Share(late), StringPool.Share(Fresh(late)));
    }
}
