using Jobs.Actors.Hosting;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Tests.Support;
using Npgsql;
using Xunit;

namespace Jobs.Tests.Node;

/// <summary>The journal's PostgreSQL sessions carry timeouts, so a frozen node's open transaction cannot block the node that took its partitions over, and compress large values with lz4.</summary>
[Collection(NodeCollection.Name)]
public sealed class PostgresSessionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Journal_sessions_abort_idle_transactions_and_stop_waiting_for_locks()
    {
        var options = new StorageOptions { Persistence = "postgres", Db = await postgres.CreateDatabaseAsync() };
        await using var c = new NpgsqlConnection(options.JournalConnectionString());
        await c.OpenAsync();
        Assert.Equal("5s", await Show(c, "idle_in_transaction_session_timeout"));
        Assert.Equal("10s", await Show(c, "lock_timeout"));
        // large values (group-commit rows, snapshots) are compressed with lz4, not pglz
        Assert.Equal("lz4", await Show(c, "default_toast_compression"));
        var pglz = new StorageOptions { Persistence = "postgres", Db = options.Db, DbCompression = "pglz" };
        await using (var p = new NpgsqlConnection(pglz.JournalConnectionString()))
        {
            await p.OpenAsync();
            Assert.Equal("pglz", await Show(p, "default_toast_compression"));
        }

        // A deployer's own Options win.
        var own = new StorageOptions { Persistence = "postgres", Db = postgres.ConnectionString("postgres") + ";Options=-c lock_timeout=2000" };
        await using var c2 = new NpgsqlConnection(own.JournalConnectionString());
        await c2.OpenAsync();
        Assert.Equal("2s", await Show(c2, "lock_timeout"));
        Assert.Equal("0", await Show(c2, "idle_in_transaction_session_timeout"));
        Assert.Equal("pglz", await Show(c2, "default_toast_compression"));
    }

    private static async Task<string> Show(NpgsqlConnection c, string setting)
    {
        await using var cmd = new NpgsqlCommand($"SHOW {setting}", c);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
