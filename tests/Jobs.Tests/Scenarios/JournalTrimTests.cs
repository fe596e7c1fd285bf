using Akka.Actor;
using Jobs.Actors.Partitions;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// A partition deletes its journal below its snapshot, only as far as the read model has read it,
/// and recovers the same state from the snapshot and what is left as a replay of the whole journal
/// gives (the real SQLite journal; the projection's progress is set by the test).
/// </summary>
public sealed class JournalTrimTests(ITestOutputHelper output) : PartitionTestKit(output)
{

    private long _projected;

    [Fact]
    public async Task The_journal_shrinks_below_the_snapshot_only_as_far_as_projected_and_recovery_equals_the_full_replay()
    {
        var capacity = StartCapacity(4);
        var partition = Start(capacity);
        var ids = Enumerable.Range(0, 300).Select(i => $"t-{i}").ToArray();
        foreach (var chunk in ids.Chunk(30)) // many writes, so many rows (a row per write at this pace)
        {
            partition.Tell(new SubmitJobs(0, chunk.Select((id, i) => new SubmitJob(0, id,
                i % 10 == 0 ? Spec("permanent", maxAttempts: 1) : Spec("noop", key: i % 10 == 1 ? "key-" + id : null))).ToArray()));
            ExpectMsg<JobsSubmitted>(Wait);
        }
        ExpectAllJobEvents(ids.Where((_, i) => i % 30 % 10 != 0).ToArray(), HistoryEvents.Completed);
        var status = Status(partition);
        Assert.True(status.LastSequenceNr > 20, $"only {status.LastSequenceNr} rows: too few writes to trim");

        // the whole journal, before anything is deleted (the projection has read nothing yet)
        var whole = Rows();
        var replayed = Replay(whole);

        // the projection has read up to row 10: rows below it go, row 10 stays (flagged by the journal) and everything after it
        Volatile.Write(ref _projected, 10);
        await Eventually.Until(() => Task.FromResult(Rows()), rows => rows.Min(r => r.SequenceNr) >= 10, TimeSpan.FromSeconds(30),
            "rows below the projected sequence number deleted");
        Assert.Equal(whole.Where(r => r.SequenceNr > 10).Select(r => r.SequenceNr), Rows().Where(r => r.SequenceNr > 10).Select(r => r.SequenceNr));

        // read past the snapshot: the journal keeps only what follows the snapshot
        Volatile.Write(ref _projected, long.MaxValue);
        var snapshotAt = LatestSnapshot().SequenceNr;
        var left = await Eventually.Until(() => Task.FromResult(Rows()), rows => rows.Count(r => !r.Deleted) < whole.Count / 2 && rows.Where(r => !r.Deleted).All(r => r.SequenceNr > snapshotAt - 1),
            TimeSpan.FromSeconds(30), "the journal deleted up to the snapshot");
        Output.WriteLine($"journal rows: {whole.Count} before, {left.Count} after (snapshot at {snapshotAt}, last row {status.LastSequenceNr})");

        // recovery from the snapshot and the rest equals the replay of the undeleted journal
        var (snapshotSeq, snapshot) = LatestSnapshot();
        var recovered = left.Where(r => !r.Deleted && r.SequenceNr > snapshotSeq)
            .Aggregate(PartitionState.FromSnapshot(snapshot), (s, r) => s.ApplyAll(r.Events).State);
        Assert.Equal(Describe(replayed), Describe(recovered));

        // and the partition itself recovers from it: the failed jobs are there, a known key is still known
        Watch(partition);
        partition.Tell(StopPartition.Instance);
        ExpectTerminated(partition, Wait);
        partition = Start(capacity);
        var after = Status(partition);
        Assert.True(after.RecoveredFromSnapshotAt > 0);
        Assert.Equal(replayed.Jobs.Count, after.JobsInMemory);
        Assert.Equal(JobStatus.Failed, Get(partition, "t-0").Status);
        Assert.False(Submit(partition, Spec("noop", key: "key-t-1"), "t-1").Created);
    }

    private IActorRef Start(IActorRef capacity) =>
        Sys.ActorOf(JobSupervisor.Props(0, Services(capacity, Options.Partitions with { SnapshotEvery = 10 }) with
        {
            ProjectedSequenceNr = _ => Task.FromResult(Volatile.Read(ref _projected)),
        }));

    private PartitionStatus Status(IActorRef partition)
    {
        partition.Tell(new GetPartitionStatus(0));
        return ExpectMsg<PartitionStatus>(Wait);
    }

    private static PartitionState Replay(IEnumerable<Row> rows) =>
        rows.Where(r => !r.Deleted).Aggregate(PartitionState.Empty, (s, r) => s.ApplyAll(r.Events).State);

    /// <summary>Jobs with status and attempts, keys, recent ids, expiries, the order counter.</summary>
    private static string Describe(PartitionState s)
    {
        var x = s.ToSnapshot();
        return string.Join(";", x.Jobs.OrderBy(j => j.Id, StringComparer.Ordinal).Select(j => $"{j.Id}:{j.Status}:{j.Attempts}:{j.ExpiresAt:O}"))
               + $"|next={x.NextOrder}|recent={string.Join(",", x.RecentIds)}|keyed={string.Join(",", x.KeyedIds.Order(StringComparer.Ordinal))}"
               + $"|expiring={string.Join(",", x.Expiring.Select(e => $"{e.JobId}@{e.At:O}"))}|untracked={x.UntrackedFrom:O}..{x.UntrackedUntil:O}";
    }

    private sealed record Row(long SequenceNr, bool Deleted, IReadOnlyList<IJobEvent> Events);

    private List<Row> Rows() =>
        QueryJournal("SELECT sequence_number, deleted, message, manifest, identifier FROM journal WHERE persistence_id = 'partition-0' ORDER BY sequence_number",
            r => new Row(r.GetInt64(0), r.GetBoolean(1), DeserializeStored(r, 2) switch
            {
                JobEventBatch b => b.Events,
                IJobEvent e => [e],
                var other => throw new InvalidOperationException($"unexpected journal payload {other.GetType()}"),
            }));

    private (long SequenceNr, PartitionSnapshot Snapshot) LatestSnapshot() =>
        QueryJournal("SELECT sequence_number, snapshot, manifest, serializer_id FROM snapshot WHERE persistence_id = 'partition-0' ORDER BY sequence_number DESC LIMIT 1",
            r => (r.GetInt64(0), (PartitionSnapshot)DeserializeStored(r, 1))).Single();
}
