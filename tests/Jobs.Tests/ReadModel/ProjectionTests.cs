using Akka.Actor;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.ReadModel;

public sealed class ProjectionTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    private readonly SqlJobReadStore _store = SqlJobReadStore.ForSqlite($"Data Source={Path.Combine(TestPaths.NewTempDir("readmodel"), "readmodel.db")}");

    [Fact]
    public async Task Read_model_catches_up_after_a_restart_without_duplicating_or_missing_rows()
    {
        await _store.InitializeAsync();
        var partition = StartPartition(StartCapacity(4));
        var first = SubmitAndFinish(partition, 30, "noop");
        var failed = Submit(partition, Spec("permanent")).JobId;
        ExpectJobEvent(failed, HistoryEvents.Failed);

        var projection = Sys.ActorOf(JobProjection.Props(_store));
        await Eventually.Until(() => _store.CountAsync(), n => n == 31, Wait, "31 rows in the read model");
        await Eventually.Until(async () => (await _store.GetAsync(first[^1]))?.Status, s => s == JobStatus.Completed, Wait, "the last job completed in the read model");
        Watch(projection);
        Sys.Stop(projection);
        ExpectTerminated(projection);

        var second = SubmitAndFinish(partition, 10, "noop"); // written while the projection is down
        Sys.ActorOf(JobProjection.Props(_store));
        await Eventually.Until(() => _store.CountAsync(), n => n == 41, Wait, "41 rows after catching up");
        await Eventually.Until(async () => (await _store.GetAsync(second[^1]))?.Status, s => s == JobStatus.Completed, Wait, "the newest job completed in the read model");

        foreach (var id in first.Concat(second))
        {
            var view = (await _store.GetAsync(id))!;
            Assert.Equal([HistoryEvents.Accepted, HistoryEvents.Started, HistoryEvents.Completed], view.History.Select(h => h.Event));
        }
        var dlq = await _store.ListAsync(new JobQuery { DeadLettersOnly = true }, DateTimeOffset.UtcNow);
        Assert.Equal(failed, Assert.Single(dlq.Items).Id);
    }

    [Fact]
    public async Task A_journal_slower_to_start_than_the_read_journal_waits_only_delays_the_read_model()
    {
        await _store.InitializeAsync();
        // Another connection holds the journal's database locked: the write journal's start (its
        // tables) waits for it, and the SQL read journal gives up waiting for that start after 5 s.
        // Thrown in PreStart, that failure would stop the projection for good: the read model of a
        // cluster that started on a busy database would never move again.
        await using var blocker = new SqliteConnection(Options.Storage.JournalConnectionString());
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        await using (var write = blocker.CreateCommand())
        {
            write.Transaction = (SqliteTransaction)tx;
            write.CommandText = "CREATE TABLE lock_holder (x INTEGER);";
            await write.ExecuteNonQueryAsync();
        }
        // the read journal's 5 s wait ran out (logged as the projection's error before, a warning now)
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs, typeof(Akka.Event.Warning));
        Sys.EventStream.Subscribe(logs, typeof(Akka.Event.Error));
        Sys.ActorOf(JobProjection.Props(_store));
        logs.FishForMessage<Akka.Event.LogEvent>(e => e.ToString().Contains("Timeout after 5"), TimeSpan.FromSeconds(30),
            "the read journal giving up waiting for the write journal");
        await tx.RollbackAsync();

        var partition = StartPartition(StartCapacity(4));
        var ids = SubmitAndFinish(partition, 5, "noop");
        await Eventually.Until(async () => (await _store.GetAsync(ids[^1]))?.Status, s => s == JobStatus.Completed, Wait,
            "the jobs in the read model once the journal started");
        Assert.Equal(5, await _store.CountAsync());
    }

    [Fact]
    public async Task Group_commit_rows_are_projected_event_by_event()
    {
        await _store.InitializeAsync();
        var partition = StartPartition(StartCapacity(4));
        var later = DateTimeOffset.UtcNow.AddDays(1);
        var ids = Enumerable.Range(0, 120).Select(i => $"grouped-{i}").ToArray();
        partition.Tell(new SubmitJobs(0, ids.Select(id => new SubmitJob(0, id, Spec("noop", runAt: later), "b-7")).ToArray()));
        ExpectMsg<JobsSubmitted>(Wait);
        Assert.Equal(1, JournalRows()); // the message's 120 acceptances in one group-commit row

        Sys.ActorOf(JobProjection.Props(_store));
        await Eventually.Until(() => _store.CountAsync(), n => n == 120, Wait, "120 rows in the read model");
        foreach (var id in ids)
        {
            var view = (await _store.GetAsync(id))!;
            Assert.Equal(JobStatus.Scheduled, view.Status);
            Assert.Equal("b-7", view.BatchId);
        }
    }

    [Fact]
    public async Task Paging_with_cursors_visits_every_job_once_newest_first_and_filters_apply()
    {
        await _store.InitializeAsync();
        var partition = StartPartition(StartCapacity(4));
        var ids = SubmitAndFinish(partition, 25, "noop");
        var failed = Submit(partition, Spec("permanent")).JobId;
        ExpectJobEvent(failed, HistoryEvents.Failed);
        Sys.ActorOf(JobProjection.Props(_store));
        await Eventually.Until(async () => (await _store.GetAsync(failed))?.Status, s => s == JobStatus.Failed, Wait, "the failed job in the read model");
        await Eventually.Until(async () => (await _store.ListAsync(new JobQuery { Status = JobStatus.Completed, Limit = 100 }, DateTimeOffset.UtcNow)).Items.Count,
            n => n == 25, Wait, "25 completed rows");

        var seen = new List<JobView>();
        string? cursor = null;
        do
        {
            var page = await _store.ListAsync(new JobQuery { Limit = 7, Cursor = cursor }, DateTimeOffset.UtcNow);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);

        Assert.Equal(26, seen.Select(v => v.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id, StringComparer.Ordinal).Select(v => v.Id), seen.Select(v => v.Id));
        var onlyFailed = await _store.ListAsync(new JobQuery { Status = JobStatus.Failed }, DateTimeOffset.UtcNow);
        Assert.Equal(failed, Assert.Single(onlyFailed.Items).Id);
        Assert.Equal(25, (await _store.ListAsync(new JobQuery { Type = "noop", Limit = 100 }, DateTimeOffset.UtcNow)).Items.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => _store.ListAsync(new JobQuery { Cursor = "not-a-cursor!" }, DateTimeOffset.UtcNow));
    }

    private string[] SubmitAndFinish(IActorRef partition, int count, string type)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Submit(partition, Spec(type)).JobId).ToArray();
        ExpectAllJobEvents(ids, HistoryEvents.Completed);
        return ids;
    }
}
