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
                ticks += ProcStat.Ticks(File.ReadAllText(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // the thread exited between listing and reading
            }
        }
        return ProcStat.ToTime(ticks);
    }
}
