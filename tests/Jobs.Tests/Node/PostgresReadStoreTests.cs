using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Jobs.Tests.Support;
using Npgsql;
using Xunit;

namespace Jobs.Tests.Node;

/// <summary>
/// On PostgreSQL the read model writes each row's record as UTF-8 bytes into its text column and
/// parses it back from bytes (no UTF-16 string in between): what comes back must be what went in,
/// non-ASCII text included, and the server must hold it as JSON text (what earlier versions wrote).
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class PostgresReadStoreTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2030, 12, 1, 12, 0, 0, TimeSpan.Zero); // ahead of the clock: the ended rows are within their retention

    [Fact]
    public async Task Nodes_starting_together_on_a_fresh_database_all_create_the_read_model()
    {
        // Every node creates the read model's tables at start. Two concurrent CREATE TABLE IF NOT
        // EXISTS of a new table collide in PostgreSQL's catalog (23505 on pg_type), and the losing
        // node crashed at start (seen in the docker deployment test). Four fresh databases, six
        // nodes each, all at once.
        for (var round = 0; round < 4; round++)
        {
            var connection = await postgres.CreateDatabaseAsync();
            using var go = new SemaphoreSlim(0);
            var starts = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                await go.WaitAsync();
                await SqlJobReadStore.ForPostgres(connection).InitializeAsync();
            })).ToArray();
            go.Release(starts.Length);
            await Task.WhenAll(starts);

            var store = SqlJobReadStore.ForPostgres(connection);
            await store.ApplyAsync(JobProjection.Name, [(1, new JobAccepted("r" + round, new JobSpec { Type = "noop" }, null, T0))]);
            Assert.Equal(JobStatus.Pending, (await store.GetAsync("r" + round))!.Status);
        }
    }

    [Fact]
    public async Task Records_round_trip_as_utf8_and_the_server_holds_json_text()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var store = SqlJobReadStore.ForPostgres(connection);
        await store.InitializeAsync();
        const string metadata = "{\"text\":\"héllo wörld ✓ 日本語 🚀\",\"n\":1}";
        await store.ApplyAsync(JobProjection.Name, [
            (1, new JobAccepted("u1", new JobSpec { Type = "noop", Metadata = metadata, Tenant = "tenant-ü" }, "batch-ß", T0)),
            (2, new JobAttemptStarted("u1", 1, "node-é", T0.AddSeconds(1))),
            (3, new JobCompleted("u1", 1, "{\"answer\":\"ça marche 🎉\"}", T0.AddSeconds(2))),
            (3, new JobAccepted("u2", new JobSpec { Type = "noop", Metadata = metadata }, null, T0.AddSeconds(3))),
        ]);

        // read back by a new store (nothing from the writer's memory)
        var reader = SqlJobReadStore.ForPostgres(connection);
        var done = (await reader.GetAsync("u1"))!;
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("tenant-ü", done.Tenant);
        Assert.Equal("batch-ß", done.BatchId);
        Assert.Contains("héllo wörld ✓ 日本語 🚀", done.Metadata!);
        Assert.Contains("ça marche 🎉", done.Result!);
        Assert.Equal([HistoryEvents.Accepted, HistoryEvents.Started, HistoryEvents.Completed], done.History.Select(h => h.Event));
        Assert.Equal("node-é", done.History[1].Node);
        var page = await reader.ListAsync(new JobQuery { Limit = 10 }, T0.AddMinutes(1));
        Assert.Equal(["u2", "u1"], page.Items.Select(v => v.Id));
        Assert.Contains("日本語", page.Items[0].Metadata!);

        // the server holds text, not bytes: SQL sees the JSON
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT record::json->'spec'->>'tenant' FROM jobs WHERE id = 'u1'", c);
        Assert.Equal("tenant-ü", await cmd.ExecuteScalarAsync());
    }
}
