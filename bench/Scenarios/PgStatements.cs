using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>Where the PostgreSQL server's time went (pg_stat_statements must be preloaded: BENCH_PG_OPTIONS).</summary>
public static class PgStatements
{
    public static async Task PrintAsync(PostgresServer pg)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString("postgres"));
        await c.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", c)) await create.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT round(total_exec_time)::bigint, round(total_plan_time)::bigint, calls, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
            FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 15
            """, c);
        await using var r = await cmd.ExecuteReaderAsync();
        Console.WriteLine("\npg_stat_statements, top 15 by total time (planning counts with pg_stat_statements.track_planning=on):\n| exec ms | plan ms | calls | rows | statement |\n|---:|---:|---:|---:|---|");
        while (await r.ReadAsync())
            Console.WriteLine($"| {r.GetInt64(0):N0} | {r.GetInt64(1):N0} | {r.GetInt64(2):N0} | {r.GetInt64(3):N0} | {r.GetString(4).Replace("|", "\\|")} |");
    }
}
