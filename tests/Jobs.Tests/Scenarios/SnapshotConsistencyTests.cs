using Akka.Actor;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// A snapshot is the partition's state after exactly the journal's events up to its sequence
/// number — never an event still being written (docs/architecture.md, "State and durability").
/// Snapshots are taken while writes of many events are in flight behind them, and every one the
/// partition saved (kept by an audit trigger, since the partition deletes older ones) is compared
/// with a replay of the real SQLite journal.
/// </summary>
public sealed class SnapshotConsistencyTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public void Every_snapshot_equals_the_replay_of_the_journal_up_to_its_sequence_number()
    {
        var settings = Options.Partitions with { SnapshotEvery = 10 };
        var partition = StartPartition(StartCapacity(4), settings);
        Submit(partition, Spec("noop")); // the journal and snapshot tables exist from here on
        AuditSnapshots();

        // acceptances, starts and completions interleave; writes carry up to 1,199 events (3 rows)
        var ids = Enumerable.Range(0, 1200).Select(i => $"snap-{i}").ToArray();
        partition.Tell(new SubmitJobs(0, ids.Select(id => new SubmitJob(0, id, Spec("noop"))).ToArray()));
        Assert.All(ExpectMsg<JobsSubmitted>(Wait).Created, Assert.True);
        ExpectAllJobEvents(ids, HistoryEvents.Completed);
        for (var round = 0; round < 3; round++) // a partition waits for two events per job it holds: more rounds, more snapshots
        {
            var more = Enumerable.Range(0, 600).Select(i => $"late-{round}-{i}").ToArray();
            partition.Tell(new SubmitJobs(0, more.Select(id => new SubmitJob(0, id, Spec("noop"))).ToArray()));
            ExpectMsg<JobsSubmitted>(Wait);
            ExpectAllJobEvents(more, HistoryEvents.Completed);
        }

        var snapshots = AuditedSnapshots();
        Assert.True(snapshots.Count >= 3, $"expected several snapshots, saw {snapshots.Count}");
        var journal = JournalEvents();
        foreach (var (sequenceNr, snapshot) in snapshots)
        {
            var replayed = journal.Where(j => j.SequenceNr <= sequenceNr).SelectMany(j => j.Events)
                .Aggregate(PartitionState.Empty, (s, e) => s.Apply(e).State);
            Assert.Equal(Describe(replayed.ToSnapshot()), Describe(snapshot));
        }
    }

    /// <summary>What a snapshot says: each job's status and attempts, the order counter, the ids it remembers.</summary>
    private static string Describe(PartitionSnapshot s) =>
        string.Join(";", s.Jobs.OrderBy(j => j.Id, StringComparer.Ordinal).Select(j => $"{j.Id}:{j.Status}:{j.Attempts}"))
        + $"|next={s.NextOrder}|recent={string.Join(",", s.RecentIds)}|keyed={string.Join(",", s.KeyedIds.Order(StringComparer.Ordinal))}";

    private void AuditSnapshots() => Execute("""
        CREATE TABLE snapshot_audit (sequence_number INTEGER, snapshot BLOB, manifest TEXT, serializer_id INTEGER);
        CREATE TRIGGER keep_snapshots AFTER INSERT ON snapshot BEGIN
          INSERT INTO snapshot_audit VALUES (NEW.sequence_number, NEW.snapshot, NEW.manifest, NEW.serializer_id);
        END;
        """);

    private List<(long SequenceNr, PartitionSnapshot Snapshot)> AuditedSnapshots() =>
        QueryJournal("SELECT sequence_number, snapshot, manifest, serializer_id FROM snapshot_audit ORDER BY sequence_number",
            r => (r.GetInt64(0), (PartitionSnapshot)DeserializeStored(r, 1)));

    private List<(long SequenceNr, IReadOnlyList<IJobEvent> Events)> JournalEvents() =>
        QueryJournal("SELECT sequence_number, message, manifest, identifier FROM journal WHERE persistence_id = 'partition-0' ORDER BY sequence_number",
            r => (r.GetInt64(0), DeserializeStored(r, 1) switch
            {
                JobEventBatch b => b.Events,
                IJobEvent e => (IReadOnlyList<IJobEvent>)[e],
                var other => throw new InvalidOperationException($"unexpected journal payload {other.GetType()}"),
            }));

    private void Execute(string sql)
    {
        using var c = new SqliteConnection(Options.Storage.JournalConnectionString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
