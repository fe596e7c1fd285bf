using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// The physical ceiling: how many journal-shaped rows per second this PostgreSQL accepts through
/// binary COPY in batched transactions (4 writers, 1,000 rows per transaction, ~300-byte payloads,
/// the journal's unique (persistence_id, sequence_number) index). Journal efficiency = our peak
/// events/s ÷ this.
/// </summary>
public static class Ceiling
{
    public const string Name = "ceiling";

    public static async Task<double> Measure(Results results, PostgresServer pg, TimeSpan duration)
    {
        var db = await pg.CreateDatabaseAsync();
        await using (var c = new NpgsqlConnection(db))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                CREATE TABLE raw_journal (
                  ordering BIGSERIAL PRIMARY KEY, persistence_id VARCHAR(255) NOT NULL, sequence_number BIGINT NOT NULL,
                  deleted BOOLEAN NOT NULL DEFAULT FALSE, created BIGINT NOT NULL, manifest VARCHAR(500) NOT NULL,
                  payload BYTEA NOT NULL, tags VARCHAR(100), identifier INT NOT NULL, writer_uuid VARCHAR(128) NOT NULL,
                  UNIQUE (persistence_id, sequence_number));
                """, c);
            await cmd.ExecuteNonQueryAsync();
        }
        var payload = new byte[300];
        Random.Shared.NextBytes(payload);
        long rows = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
        {
            await using var c = new NpgsqlConnection(db);
            await c.OpenAsync();
            long seq = 0;
            while (sw.Elapsed < duration)
            {
                await using var tx = await c.BeginTransactionAsync();
                await using (var copy = await c.BeginBinaryImportAsync(
                                 "COPY raw_journal (persistence_id, sequence_number, created, manifest, payload, tags, identifier, writer_uuid) FROM STDIN (FORMAT BINARY)"))
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        seq++;
                        await copy.StartRowAsync();
                        await copy.WriteAsync($"partition-{w}-{seq % 32}", NpgsqlDbType.Varchar);
                        await copy.WriteAsync(seq, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(DateTime.UtcNow.Ticks, NpgsqlDbType.Bigint);
                        await copy.WriteAsync("JC1", NpgsqlDbType.Varchar);
                        await copy.WriteAsync(payload, NpgsqlDbType.Bytea);
                        await copy.WriteAsync(";job;", NpgsqlDbType.Varchar);
                        await copy.WriteAsync(731, NpgsqlDbType.Integer);
                        await copy.WriteAsync("bench", NpgsqlDbType.Varchar);
                    }
                    await copy.CompleteAsync();
                }
                await tx.CommitAsync();
                Interlocked.Add(ref rows, 1000);
            }
        }));
        var perSecond = rows / sw.Elapsed.TotalSeconds;
        results.Add(Name, "postgres-raw", "rows_per_s", perSecond);
        return perSecond;
    }
}
