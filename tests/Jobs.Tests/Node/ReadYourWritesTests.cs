using System.Net;
using System.Text.Json;
using Jobs.Testing;
using Jobs.Tests.Support;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// Read-your-writes across nodes (FreshJobReadStore, LiveJobIndex): with the read model's projection held
/// (its journal query re-reads once an hour), what one node accepted or ended is still listed by another —
/// so the lists can only have it from the nodes' live indexes.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class ReadYourWritesTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The projection reads what the journal held at its start and then nothing for an hour.</summary>
    private const string HeldProjection = "akka.persistence.query.journal.sql { refresh-interval = 1h, journal-sequence-retrieval.query-delay = 1h }";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task What_one_node_accepted_or_ended_is_listed_by_another_before_the_read_model_has_it()
    {
        _cluster = await TestCluster.StartAsync(postgres, output, count: 2, extraEnv: _ => new() { ["JOBS_AKKA_HOCON"] = HeldProjection });
        var (writer, reader) = (_cluster.Nodes[0], _cluster.Nodes[1]);

        // accepted on one node → in the other's list
        var jobs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = IdOf(await writer.SubmitAsync(new { type = "noop" }));
            jobs.Add(id);
            await Eventually.Until(async () => Ids(await PageAsync(reader, "/api/jobs?limit=50")).Contains(id), Deadline, $"job {id} listed on the other node");
        }
        // ended → listed by its new status
        await Eventually.Until(async () => Ids(await PageAsync(reader, "/api/jobs?status=completed&limit=50")),
            completed => jobs.All(completed.Contains), Deadline, "the 5 jobs listed as completed on the other node");

        // failed on one node → in the other's dead-letter queue
        var failing = IdOf(await reader.SubmitAsync(new { type = "script", payload = new { code = "throw new Error('ryw')" }, maxAttempts = 1 }));
        await Eventually.Until(async () => Ids(await PageAsync(writer, "/api/dlq")).Contains(failing), Deadline, $"job {failing} in the other node's DLQ");

        // a batch's counts on the node that did not take it
        var (status, _, _) = await writer.CallAsync(HttpMethod.Post, "/api/batches", null,
            """{"id":"ryw-batch","jobs":[{"type":"noop"},{"type":"noop"},{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var batch = await Eventually.Until(async () => (await reader.CallAsync(HttpMethod.Get, "/api/batches/ryw-batch", null)).Body,
            b => b.ValueKind == JsonValueKind.Object && b.GetProperty("completed").GetInt32() == 3, Deadline, "the batch's 3 jobs counted completed on the other node");
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        var batchJobs = batch.GetProperty("jobIds").EnumerateArray().Select(e => e.GetString()!).ToArray();

        // one job a page through the cursor: every job once
        var listed = new List<string>();
        for (var cursor = ""; ;)
        {
            var page = await PageAsync(reader, "/api/jobs?limit=1" + cursor);
            listed.AddRange(Ids(page));
            if (page.GetProperty("nextCursor").GetString() is not { } next) break;
            cursor = "&cursor=" + next;
        }
        Assert.Equal(jobs.Append(failing).Concat(batchJobs).Order(), listed.Order());

        // and the read model has none of them: what the lists showed came from the nodes
        Assert.Equal(0, await RowsAsync(_cluster.Db, listed));
    }

    private static string IdOf(JsonElement job) => job.GetProperty("id").GetString()!;

    private static async Task<JsonElement> PageAsync(NodeProcess node, string path)
    {
        using var doc = JsonDocument.Parse(await node.Http.GetStringAsync(path));
        return doc.RootElement.Clone();
    }

    private static HashSet<string> Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToHashSet();

    private static async Task<long> RowsAsync(string db, IReadOnlyList<string> ids)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM jobs WHERE id = ANY(@ids)", c);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
