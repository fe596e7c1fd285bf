using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>Counts in the journal itself (what "completed in the journal" means for every variant of ours).</summary>
public static class Journal
{
    /// <summary>JobCompleted events (manifest JC1) journaled so far.</summary>
    public static async Task<long> CountCompletedAsync(string db)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM journal WHERE manifest = 'JC1'", c);
        try
        {
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState == "42P01")
        {
            return 0; // journal not created yet
        }
    }

    public static async Task WaitCompletedAsync(string db, long count, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (await CountCompletedAsync(db) < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"fewer than {count} jobs completed within {deadline}");
            await Task.Delay(100);
        }
    }
}
