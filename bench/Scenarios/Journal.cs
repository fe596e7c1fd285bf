using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>Counts in the journal itself (what "completed in the journal" means for every variant of ours).</summary>
public static class Journal
{
    /// <summary>JobCompleted events (manifest JC1) journaled so far (one full scan: for a baseline).</summary>
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
    /// Counts JC1 rows incrementally. Orderings are taken before commit, so a row can appear below
    /// one already seen: rows within <see cref="Window"/> orderings of the highest seen are
    /// recounted on every poll and only rows below that are counted for good (in flight at once
    /// are at most a few batches of ≤ 1,000 rows per writer).
    /// </summary>
    private sealed class Completions(string db)
    {
        private const long Window = 50_000;
        private long _low;    // rows at or below: counted for good in _frozen
        private long _frozen;
        private long _max;

        public async Task<long> CountAsync()
        {
            var newLow = Math.Max(_low, _max - Window);
            await using var c = new NpgsqlConnection(db);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT COUNT(*) FILTER (WHERE manifest = 'JC1' AND ordering <= $2), COUNT(*) FILTER (WHERE manifest = 'JC1'), MAX(ordering) " +
                "FROM journal WHERE ordering > $1", c);
            cmd.Parameters.AddWithValue(_low);
            cmd.Parameters.AddWithValue(newLow);
            try
            {
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
                var total = _frozen + r.GetInt64(1);
                _frozen += r.GetInt64(0);
                _low = newLow;
                if (!r.IsDBNull(2)) _max = Math.Max(_max, r.GetInt64(2));
                return total;
            }
            catch (PostgresException e) when (e.SqlState == "42P01")
            {
                return 0; // journal not created yet
            }
        }
    }
}
