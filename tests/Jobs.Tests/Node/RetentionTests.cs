using System.Data.Common;
using System.Net;
using System.Text.Json;
using Jobs.Messages;
using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// Ended jobs expire per status and per job (docs/architecture.md, "Retention") in a real node on
/// SQLite and on PostgreSQL: gone from the job route, the lists, the DLQ and the read model's table,
/// their idempotency keys free again, the journal trimmed below snapshots — and after kill -9 and a
/// restart no expired job comes back and no live one is lost.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class RetentionTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string> Env(Dictionary<string, string>? more = null)
    {
        var env = new Dictionary<string, string>
        {
            ["JOBS_CAPACITY"] = "4",
            ["JOBS_RETENTION_COMPLETED"] = "2s",
            ["JOBS_RETENTION_CANCELLED"] = "2s",
            ["JOBS_RETENTION_FAILED"] = "1h",
            ["JOBS_SNAPSHOT_EVERY"] = "10",
        };
        foreach (var (k, v) in more ?? []) env[k] = v;
        return env;
    }

    [Fact]
    public async Task On_sqlite_expired_jobs_are_gone_everywhere_and_stay_gone_after_kill_9_and_restart()
    {
        var dataDir = TestPaths.NewTempDir("retention");
        Jobs jobs;
        await using (var node = await NodeProcess.StartAsync(dataDir, output, Env()))
        {
            jobs = await ExpireAsync(node, () => SqliteConnection(dataDir, "readmodel.db"), () => SqliteConnection(dataDir, "journal.db"));
            node.Kill();
        }

        await using var restarted = await NodeProcess.StartAsync(dataDir, output, Env());
        await AssertAfterRestartAsync(restarted, jobs);
    }

    [Fact]
    public async Task On_postgres_expired_jobs_are_gone_everywhere_and_stay_gone_after_kill_9_and_restart()
    {
        var db = await postgres.CreateDatabaseAsync();
        var env = Env(new() { ["JOBS_PERSISTENCE"] = "postgres", ["JOBS_DB"] = db });
        Jobs jobs;
        await using (var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("retention-pg"), output, env))
        {
            jobs = await ExpireAsync(node, () => new NpgsqlConnection(db), () => new NpgsqlConnection(db));
            node.Kill();
        }

        await using var restarted = await NodeProcess.StartAsync(TestPaths.NewTempDir("retention-pg"), output, env);
        await AssertAfterRestartAsync(restarted, jobs);
    }

    private sealed record Jobs(string Completed, string KeyedAgain, string ShortFailed, string Failed, string Waiting, IReadOnlyList<string> Bulk);

    /// <summary>Runs jobs to their expiry and checks each place they leave; returns the ids for the restart's checks.</summary>
    private async Task<Jobs> ExpireAsync(NodeProcess node, Func<DbConnection> readModel, Func<DbConnection> journal)
    {
        // seen before they expire: a retention of their own, long enough for a busy machine's polls
        var completed = Id(await node.SubmitAsync(new { type = "noop", idempotencyKey = "nightly", retention = "8s" }));
        var failed = Id(await node.SubmitAsync(new { type = "script", payload = new { code = "console.log(" } }));
        var shortFailed = Id(await node.SubmitAsync(new { type = "script", payload = new { code = "console.log(" }, retention = "8s" }));
        var waiting = Id(await node.SubmitAsync(new { type = "noop", runAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O") }));
        // enough events for every partition to snapshot (JOBS_SNAPSHOT_EVERY=10) and trim its journal
        var bulk = (await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => node.SubmitAsync(new { type = "noop" })))).Select(Id).ToList();

        var view = await node.WaitForStatusAsync(completed, "completed");
        Assert.Equal(view.GetProperty("completedAt").GetDateTimeOffset().AddSeconds(8), view.GetProperty("expiresAt").GetDateTimeOffset());
        await node.WaitForStatusAsync(failed, "failed");
        await node.WaitForStatusAsync(shortFailed, "failed");

        // the route, the lists, the DLQ and the read model's table lose the expired jobs
        await Eventually.Until(() => node.GetJobAsync(completed), j => j is null, Deadline, "the completed job answers 404");
        await Eventually.Until(() => node.GetJobAsync(shortFailed), j => j is null, Deadline, "the failed job with retention 8s answers 404");
        await Eventually.Until(() => Ids(node, "/api/dlq?limit=1000"), ids => !ids.Contains(shortFailed), Deadline, "the DLQ leaves it out");
        // the bulk jobs keep the completed retention (2s)
        await Eventually.Until(async () => await Task.WhenAll(bulk.Select(node.GetJobAsync)), all => all.All(j => j is null), Deadline, "the bulk jobs expired");
        await Eventually.Until(() => Task.FromResult(Count(readModel(), $"SELECT COUNT(*) FROM jobs WHERE id IN ('{completed}', '{shortFailed}', '{bulk[0]}', '{bulk[^1]}')")),
            n => n == 0, Deadline, "the read model's rows deleted");
        var listed = await Ids(node, "/api/jobs?limit=1000");
        Assert.DoesNotContain(completed, listed);
        Assert.DoesNotContain(shortFailed, listed);
        Assert.Empty(bulk.Intersect(listed));

        // within their retention: the failed job (1h) and the job waiting for its runAt
        Assert.Equal("failed", (await node.GetJobAsync(failed))!.Value.GetProperty("status").GetString());
        Assert.Contains(failed, await Ids(node, "/api/dlq?limit=1000"));
        Assert.Equal("scheduled", (await node.GetJobAsync(waiting))!.Value.GetProperty("status").GetString());

        // the journal stops growing: partitions deleted what the projection had read below their snapshots
        // (rows written = the partitions' highest sequence numbers; rows left = what a count finds)
        var (left, written) = await Eventually.Until(() => Task.FromResult((Count(journal(), PartitionRows), Count(journal(), PartitionRowsWritten))),
            n => n.Item1 < n.Item2 / 2, Deadline, "the partitions' journal rows below half of those written");
        output.WriteLine($"journal rows: {written} written by the partitions, {left} left after the trims");

        // the idempotency key is free again: the same key makes a new job (accepted, 202)
        var (status, again, _) = await node.CallAsync(HttpMethod.Post, "/api/jobs", null, """{"type":"noop","idempotencyKey":"nightly","retention":"1h"}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(completed, Id(again)); // the key names the same id, now a new job
        await node.WaitForStatusAsync(completed, "completed");
        return new Jobs(completed, completed, shortFailed, failed, waiting, bulk);
    }

    private static async Task AssertAfterRestartAsync(NodeProcess node, Jobs jobs)
    {
        // the job the key made again (retention 1h) is answered by the read model once the projection caught
        // up with the journal's last events, which came after every expiry: then nothing expired may show
        await node.WaitForStatusAsync(jobs.KeyedAgain, "completed", Deadline);
        Assert.Null(await node.GetJobAsync(jobs.ShortFailed));
        Assert.All(await Task.WhenAll(jobs.Bulk.Take(20).Select(node.GetJobAsync)), j => Assert.Null(j));
        Assert.Equal("failed", (await node.GetJobAsync(jobs.Failed))!.Value.GetProperty("status").GetString());
        Assert.Equal("scheduled", (await node.GetJobAsync(jobs.Waiting))!.Value.GetProperty("status").GetString());
        var dlq = await Ids(node, "/api/dlq?limit=1000");
        Assert.Contains(jobs.Failed, dlq);
        Assert.DoesNotContain(jobs.ShortFailed, dlq);
        Assert.Empty(jobs.Bulk.Intersect(await Ids(node, "/api/jobs?limit=1000")));
    }

    private const string PartitionRows = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'partition-%'";

    private const string PartitionRowsWritten =
        "SELECT COALESCE(SUM(m), 0) FROM (SELECT MAX(sequence_number) AS m FROM journal WHERE persistence_id LIKE 'partition-%' GROUP BY persistence_id) t";

    private static string Id(JsonElement job) => job.GetProperty("id").GetString()!;

    private static async Task<List<string>> Ids(NodeProcess node, string path)
    {
        using var doc = JsonDocument.Parse(await node.Http.GetStringAsync(path));
        return doc.RootElement.GetProperty("items").EnumerateArray().Select(Id).ToList();
    }

    private static DbConnection SqliteConnection(string dataDir, string file) =>
        new SqliteConnection($"Data Source={Path.Combine(dataDir, file)};Mode=ReadOnly");

    private static long Count(DbConnection connection, string sql)
    {
        using var c = connection;
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }
}
