using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>Counts in the journal itself (what "completed in the journal" means for every variant of ours).</summary>
public static class Journal
{
    /// <summary>One exact and one fast counter per database, kept across calls: each reads only the rows it has not counted.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Completions Exact, Completions Fast)> Counters = new();

    private static (Completions Exact, Completions Fast) For(string db) =>
        Counters.GetOrAdd(db, d => (new Completions(d), new Completions(d, Completions.CompletedInRowFast)));

    /// <summary>
    /// JobCompleted events (manifest JC1, alone or inside JEB1 rows) journaled so far, exactly (for a
    /// baseline, outside a measurement: it parses the rows it has not counted yet).
    /// </summary>
    public static async Task<long> CountCompletedAsync(string db)
    {
        var (exact, fast) = For(db);
        var total = await exact.CountAsync();
        await fast.CountAsync(); // the fast counter starts the next wait from here too
        return total;
    }

    /// <summary>
    /// Polls every 100 ms until <paramref name="count"/> JobCompleted events are journaled. Each
    /// poll reads only the rows after the last one it saw (the journal's ordering key): a full
    /// scan every 100 ms of a journal growing past 100,000 rows kept one PostgreSQL backend at
    /// ~9 % of the machine, measured against the nodes it was measuring.
    /// </summary>
    /// <returns><paramref name="clock"/>'s elapsed time when the count was reached (before the exact check).</returns>
    public static async Task<TimeSpan> WaitCompletedAsync(string db, long count, TimeSpan deadline, System.Diagnostics.Stopwatch? clock = null)
    {
        var (exact, completions) = For(db);
        var until = DateTime.UtcNow + deadline;
        long seen;
        while ((seen = await completions.CountAsync()) < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"fewer than {count} jobs completed within {deadline}");
            await Task.Delay(100);
        }
        var reached = clock?.Elapsed ?? TimeSpan.Zero;
        var exactTotal = await exact.CountAsync();
        if (exactTotal < count)
            throw new InvalidOperationException($"the fast count saw {seen} completions but the journal holds {exactTotal} (< {count}): the text count is wrong");
        return reached;
    }

    /// <summary>The journal's highest ordering so far (0 while it is empty).</summary>
    public static async Task<long> MaxOrderingAsync(string db)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COALESCE(MAX(ordering), 0) FROM journal", c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// Events journaled in the busiest second — the most events in rows whose <c>created</c> stamps
    /// (.NET ticks, taken when the journal wrote the row) lie within one second of a row's —
    /// among the partitions' rows after <paramref name="afterOrdering"/>, a group-commit row
    /// counting its events (parsed as JSON: only once the measurement is over); how many of them
    /// were accepted, started and completed events; and the span all those rows cover.
    /// </summary>
    public static async Task<BusiestSecond> BusiestSecondAsync(string db, long afterOrdering)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "WITH ev AS (SELECT j.created, CASE j.manifest WHEN 'JEB1' THEN x ->> 'm' ELSE j.manifest END AS m FROM journal j" +
            "  LEFT JOIN LATERAL jsonb_array_elements(CASE j.manifest WHEN 'JEB1' THEN convert_from(j.message, 'UTF8')::jsonb -> 'events' ELSE '[]'::jsonb END) x ON true" +
            "  WHERE j.ordering > $1 AND j.persistence_id LIKE 'partition-%')," +
            " rows AS (SELECT created, COUNT(*) AS n, COUNT(*) FILTER (WHERE m = 'JA1') AS a, COUNT(*) FILTER (WHERE m = 'JAS1') AS s," +
            "  COUNT(*) FILTER (WHERE m = 'JC1') AS c FROM ev GROUP BY created)," +
            " windows AS (SELECT SUM(n) OVER w AS n, SUM(a) OVER w AS a, SUM(s) OVER w AS s, SUM(c) OVER w AS c FROM rows" +
            "  WINDOW w AS (ORDER BY created RANGE BETWEEN CURRENT ROW AND 9999999 FOLLOWING))" +
            " SELECT COALESCE(b.n, 0), COALESCE(b.a, 0), COALESCE(b.s, 0), COALESCE(b.c, 0)," +
            "  COALESCE((SELECT (MAX(created) - MIN(created)) / 1e7 FROM rows), 0)" +
            " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM windows ORDER BY n DESC LIMIT 1) b ON true", c);
        cmd.Parameters.AddWithValue(afterOrdering);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new BusiestSecond(Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1)), Convert.ToInt64(r.GetValue(2)),
            Convert.ToInt64(r.GetValue(3)), Convert.ToDouble(r.GetValue(4)));
    }

    public readonly record struct BusiestSecond(long Events, long Accepted, long Started, long Completed, double SpanSeconds)
    {
        public override string ToString() =>
            $"{Events} events ({Accepted} accepted, {Started} started, {Completed} completed, {Events - Accepted - Started - Completed} other)";
    }

    /// <summary>
    /// Counts JobCompleted events incrementally, each row once. Orderings are taken before commit,
    /// so a row can appear below one already seen: every poll lists the orderings within
    /// <see cref="Window"/> of the highest seen (cheap: the key only) and reads the completions of
    /// just the rows not counted yet. (Re-reading the window's payloads on every poll kept a
    /// PostgreSQL backend busy parsing group-commit rows against the nodes being measured.)
    /// </summary>
    private sealed class Completions(string db, string completedInRow = Completions.CompletedInRowExact)
    {
        private const long Window = 50_000;

        /// <summary>
        /// JobCompleted events in a row, exactly: a JC1 row is one; a group-commit row (JEB1) holds
        /// events with their manifests, parsed as JSON. Used for baselines and for the check after a
        /// measurement, never while one runs: parsing every group-commit row as jsonb took ~30 % of
        /// the machine's CPU (perf: <c>jsonb_in</c> in the poll's subplan) while the
        /// nodes it was measuring ran.
        /// </summary>
        public const string CompletedInRowExact =
            "CASE manifest WHEN 'JC1' THEN 1 WHEN 'JEB1' THEN (SELECT COUNT(*) FROM jsonb_array_elements(convert_from(message, 'UTF8')::jsonb -> 'events') x WHERE x ->> 'm' = 'JC1') ELSE 0 END";

        /// <summary>
        /// The same count while polling, by text: occurrences of the event header the serializer
        /// writes (<c>{"m":"JC1","e":</c>, JobEventBatchConverter) in the row, no JSON parse. A noop
        /// job's payload and result cannot contain it; <see cref="WaitCompletedAsync"/> checks the
        /// total against the exact count once the measurement is over.
        /// </summary>
        public const string CompletedInRowFast =
            "CASE manifest WHEN 'JC1' THEN 1 WHEN 'JEB1' THEN (SELECT (octet_length(t) - octet_length(replace(t, '{\"m\":\"JC1\",\"e\":', ''))) / 15 FROM (SELECT convert_from(message, 'UTF8') AS t) s) ELSE 0 END";

        private readonly HashSet<long> _counted = [];
        private long _low;   // rows at or below are all counted (and forgotten from _counted)
        private long _max;
        private long _total;

        public async Task<long> CountAsync()
        {
            await using var c = new NpgsqlConnection(db);
            await c.OpenAsync();
            var fresh = new List<long>();
            try
            {
                await using var keys = new NpgsqlCommand("SELECT ordering FROM journal WHERE ordering > $1", c);
                keys.Parameters.AddWithValue(_low);
                await using var r = await keys.ExecuteReaderAsync();
                while (await r.ReadAsync())
                    if (!_counted.Contains(r.GetInt64(0))) fresh.Add(r.GetInt64(0));
            }
            catch (PostgresException e) when (e.SqlState == "42P01")
            {
                return 0; // journal not created yet
            }
            if (fresh.Count > 0)
            {
                await using var count = new NpgsqlCommand($"SELECT COALESCE(SUM({completedInRow}), 0) FROM journal WHERE ordering = ANY($1)", c);
                count.Parameters.AddWithValue(fresh.ToArray());
                _total += Convert.ToInt64(await count.ExecuteScalarAsync());
                foreach (var o in fresh) _counted.Add(o);
                _max = Math.Max(_max, fresh.Max());
            }
            var low = Math.Max(_low, _max - Window);
            if (low > _low)
            {
                _counted.RemoveWhere(o => o <= low);
                _low = low;
            }
            return _total;
        }
    }
}
