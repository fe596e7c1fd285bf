using System.Diagnostics;
using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// CPU time spent by this process (the in-process engine and its driver) and by every PostgreSQL
/// process on the machine, read from /proc. Throughput on this shared two-core VM varied by a
/// third from one run to the next with no code change; CPU per job is what the engine changes
/// move, and it varies far less.
/// </summary>
public sealed class CpuMeter
{
    private readonly TimeSpan _process0 = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _postgres0 = PostgresCpu();

    public (TimeSpan Process, TimeSpan Postgres) Elapsed() =>
        (Process.GetCurrentProcess().TotalProcessorTime - _process0, PostgresCpu() - _postgres0);

    /// <summary>utime + stime of every live process named postgres (the server's backends and workers).</summary>
    public static TimeSpan PostgresCpu()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (ProcStat.Comm(stat) != "postgres") continue;
                ticks += ProcStat.Ticks(stat);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process exited between listing and reading
            }
        }
        return ProcStat.ToTime(ticks);
    }

    /// <summary>Waits (up to <paramref name="deadline"/>) until the read model has applied every journal row written so far.</summary>
    public static async Task<bool> WaitForReadModelAsync(string db, TimeSpan deadline)
    {
        var target = await Journal.MaxOrderingAsync(db);
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            await using var off = new NpgsqlCommand("SELECT COALESCE(MAX(last_offset), 0) FROM projection_offsets", c);
            if ((long)(await off.ExecuteScalarAsync())! >= target) return true;
            await Task.Delay(50);
        }
        return false;
    }
}
