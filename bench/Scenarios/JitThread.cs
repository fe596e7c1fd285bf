namespace Jobs.Bench.Scenarios;

/// <summary>
/// CPU time of the runtime's tiered-compilation thread (".NET Tiered Com") in a node process,
/// read from /proc. A node is measured once a warm-up round leaves that thread nearly idle: in a
/// perf profile of a node measured after a single warm-up round, the thread took 18 % of the
/// machine and most hot code still ran QuickJitted or in the instrumented (PGO) tier.
/// </summary>
public static class JitThread
{
    public static TimeSpan CpuTime(int pid)
    {
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != ".NET Tiered Com") continue;
                ticks += StatTicks(File.ReadAllText(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // the thread exited between listing and reading
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    /// <summary>utime + stime (fields 14 and 15) of a /proc stat line, in USER_HZ ticks.</summary>
    public static long StatTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }
}
