using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;

namespace Jobs.Tests.ReadModel;

/// <summary>
/// The read store keeps the rows of unfinished jobs it wrote in memory (<see cref="LiveRecordCache"/>)
/// instead of reading them back; that memory must never win over what another writer stored.
/// </summary>
public sealed class ReadStoreWriterTests
{
    private static readonly DateTimeOffset T0 = new(2030, 11, 30, 12, 0, 0, TimeSpan.Zero); // ahead of the clock: the completed rows are within their retention

    private static string NewDb() => $"Data Source={Path.Combine(TestPaths.NewTempDir("readstore"), "readmodel.db")}";

    private static IReadOnlyList<(long, IJobEvent)> At(long offset, params IJobEvent[] events) => events.Select(e => (offset, e)).ToArray();

    [Fact]
    public async Task A_row_another_writer_advanced_is_read_back_not_taken_from_memory()
    {
        var db = NewDb();
        var a = SqlJobReadStore.ForSqlite(db);
        var b = SqlJobReadStore.ForSqlite(db); // the projection on another node, after a singleton move
        await a.InitializeAsync();
        const string p = JobProjection.Name;

        await a.ApplyAsync(p, At(1, new JobAccepted("x", new JobSpec { Type = "noop" }, null, T0)));
        await a.ApplyAsync(p, At(2, new JobAttemptStarted("x", 1, "node-a", T0.AddSeconds(1)))); // a remembers x running
        await b.ApplyAsync(p, At(3,
            new JobAttemptFailed("x", 1, FailureKind.Permanent, "boom", T0.AddSeconds(2)),
            new JobDeadLettered("x", FailureKind.Permanent, "boom", T0.AddSeconds(2))));
        await a.ApplyAsync(p, At(4, new JobRequeued("x", T0.AddSeconds(3))));

        var view = (await a.GetAsync("x"))!;
        Assert.Equal(JobStatus.Pending, view.Status);
        Assert.Equal(
            [HistoryEvents.Accepted, HistoryEvents.Started, HistoryEvents.AttemptFailed, HistoryEvents.Failed, HistoryEvents.Requeued],
            view.History.Select(h => h.Event));
    }

    [Fact]
    public async Task Rows_written_from_memory_match_rows_read_back()
    {
        var warm = SqlJobReadStore.ForSqlite(NewDb());
        var cold = SqlJobReadStore.ForSqlite(NewDb());
        await warm.InitializeAsync();
        await cold.InitializeAsync();
        var events = new List<IJobEvent>();
        for (var i = 0; i < 50; i++)
        {
            var id = $"j{i}";
            events.Add(new JobAccepted(id, new JobSpec { Type = "noop" }, i % 2 == 0 ? "batch-1" : null, T0.AddMilliseconds(i)));
            events.Add(new JobAttemptStarted(id, 1, "n", T0.AddSeconds(1)));
            events.Add(new JobCompleted(id, 1, i % 3 == 0 ? "{\"n\":" + i + "}" : null, T0.AddSeconds(2)));
        }
        // one event per group: every started and completed is applied to the row written just before
        long offset = 0;
        foreach (var e in events)
        {
            offset++;
            await warm.ApplyAsync(JobProjection.Name, At(offset, e));
        }
        // the same events once more through a store that must read every row back (a new store per group)
        offset = 0;
        var db = NewDb();
        await SqlJobReadStore.ForSqlite(db).InitializeAsync();
        foreach (var e in events)
        {
            offset++;
            await SqlJobReadStore.ForSqlite(db).ApplyAsync(JobProjection.Name, At(offset, e));
        }
        var fromDisk = SqlJobReadStore.ForSqlite(db);
        for (var i = 0; i < 50; i++)
        {
            var w = (await warm.GetAsync($"j{i}"))!;
            var d = (await fromDisk.GetAsync($"j{i}"))!;
            Assert.Equal(JobStatus.Completed, w.Status);
            Assert.Equal(d.History.Select(h => (h.Event, h.At)), w.History.Select(h => (h.Event, h.At)));
            Assert.Equal(d.BatchId, w.BatchId);
            Assert.Equal(d.Result?.ToString(), w.Result?.ToString());
        }
        Assert.Equal(25, (await warm.CountByStatusAsync("batch-1", "default"))[JobStatus.Completed]);
    }
}
