using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>Counts in the journal itself (what "completed in the journal" means for every variant of ours).</summary>
public static class Journal
{
    /// <summary>JobCompleted events (manifest JC1, alone or inside JEB1 rows) journaled so far (one full scan: for a baseline).</summary>
    public static Task<long> CountCompletedAsync(string db) => new Completions(db).CountAsync();

    /// <summary>
    /// Polls every 100 ms until <paramref name="count"/> JobCompleted events are journaled. Each
    /// poll reads only the rows after the last one it saw (the journal's ordering key): a full
    /// scan every 100 ms of a journal growing past 100,000 rows kept one PostgreSQL backend at
    /// ~9 % of the machine, measured against the nodes it was measuring.
    /// </summary>
    public static async Task WaitCompletedAsync(string db, long count, TimeSpan deadline)
    {
        var completions = new Completions(db);
        var until = DateTime.UtcNow + deadline;
        while (await completions.CountAsync() < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"fewer than {count} jobs completed within {deadline}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Counts JobCompleted events incrementally, each row once. Orderings are taken before commit,
    /// so a row can appear below one already seen: every poll lists the orderings within
    /// <see cref="Window"/> of the highest seen (cheap: the key only) and reads the completions of
    /// just the rows not counted yet. (Re-reading the window's payloads on every poll kept a
    /// PostgreSQL backend busy parsing group-commit rows against the nodes being measured.)
    /// </summary>
    private sealed class Completions(string db)
    {
        private const long Window = 50_000;

        /// <summary>JobCompleted events in a row: a JC1 row is one; a group-commit row (JEB1) holds events with their manifests.</summary>
        private const string CompletedInRow =
            "CASE manifest WHEN 'JC1' THEN 1 WHEN 'JEB1' THEN (SELECT COUNT(*) FROM jsonb_array_elements(convert_from(message, 'UTF8')::jsonb -> 'events') x WHERE x ->> 'm' = 'JC1') ELSE 0 END";

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
                await using var count = new NpgsqlCommand($"SELECT COALESCE(SUM({CompletedInRow}), 0) FROM journal WHERE ordering = ANY($1)", c);
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
