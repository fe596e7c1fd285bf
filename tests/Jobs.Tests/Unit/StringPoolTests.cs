using Jobs.Actors.Partitions;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>
/// Pending jobs share one instance of the strings they repeat (type, queue, tenant, batch id),
/// whether they enter a partition live or at recovery. The "batch …" detail of the acceptance
/// entry is not stored at all (JobRecord implies it; JobRecordTests).
/// </summary>
public sealed class StringPoolTests
{
    // distinct instances with equal values, as two deserialized requests or journal rows have
    private static string Fresh(string s) => new(s.AsSpan());

    private static JobAccepted Accepted(string id) => new(id,
        new JobSpec { Type = Fresh("pool-type"), Queue = Fresh("pool-queue"), Tenant = Fresh("pool-tenant") },
        Fresh("pool-batch"), DateTimeOffset.UnixEpoch);

    /// <summary>Takes rows and never confirms them: the journal's working state is what is checked.</summary>
    private sealed class UnconfirmedWriter : PartitionJournal.IWriter
    {
        public void PersistRows(IEnumerable<object> rows, Action<object> onRow) { }
        public void Defer(Action callback) { }
        public void SaveSnapshot(PartitionSnapshot snapshot) { }
    }

    private static void AssertShared(PartitionState state)
    {
        var (a, b) = (state.Find("a"), state.Find("b"));
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Same(a.Spec.Type, b.Spec.Type);
        Assert.Same(a.Spec.Queue, b.Spec.Queue);
        Assert.Same(a.Spec.Tenant, b.Spec.Tenant);
        Assert.Same(a.BatchId, b.BatchId);
        Assert.Equal(("pool-type", "pool-batch", "batch pool-batch"), (b.Spec.Type, b.BatchId, b.History[0].Detail));
    }

    [Fact]
    public void Two_jobs_accepted_live_share_their_repeated_strings()
    {
        var journal = new PartitionJournal(new UnconfirmedWriter(), new StringPool(), snapshotEvery: 4000);
        journal.Persist([Accepted("a")]);
        journal.Persist([Accepted("b")]);
        AssertShared(journal.State);
    }

    [Fact]
    public void Two_jobs_recovered_share_their_repeated_strings()
    {
        var journal = new PartitionJournal(null, new StringPool(), snapshotEvery: 4000);
        journal.RecoverRow(Accepted("a"));
        journal.RecoverRow(new JobEventBatch([Accepted("b")]));
        AssertShared(journal.State);
    }

    [Fact]
    public void Share_returns_an_equal_value()
    {
        var pool = new StringPool();
        var value = Fresh("pool-value-" + Guid.NewGuid());
        Assert.Equal(value, pool.Share(value));
        Assert.Same(pool.Share(value), pool.Share(Fresh(value)));
        Assert.Null(pool.ShareOrNull(null));
    }

    [Fact]
    public void A_full_pool_starts_over_and_keeps_sharing_new_values()
    {
        var pool = new StringPool();
        for (var i = 0; i <= StringPool.Capacity; i++) pool.Share("pool-fill-" + i);
        var late = Fresh("pool-late-" + Guid.NewGuid());
        Assert.Same(pool.Share(late), pool.Share(Fresh(late)));
    }
}
