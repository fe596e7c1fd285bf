namespace Jobs.Bench.Scenarios;

/// <summary>Environment of the node processes the bench starts (through the tests' TestCluster): more capacity, quieter logs.</summary>
public static class BenchNodes
{
    /// <summary>
    /// Slots per node (the bench's <c>--capacity</c>, default 256): the same as the in-process engine's,
    /// so the node variants are compared with it at equal concurrency. A noop job holds its slot
    /// for about one journal write (its start must be durable before it runs), so at 32 slots a
    /// node could not go past ~2,000 jobs/s here whatever else it did.
    /// </summary>
    public static int Capacity { get; set; } = 256;

    public static Dictionary<string, string> Env(Dictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>
        {
            ["JOBS_CAPACITY"] = Capacity.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information", // NodeProcess waits for "Now listening on"
        };
        foreach (var (k, v) in extra ?? []) env[k] = v;
        // experiments: BENCH_NODE_ENV="DOTNET_gcServer=0;JOBS_CAPACITY=8" is added to every node's environment
        foreach (var pair in (Environment.GetEnvironmentVariable("BENCH_NODE_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            if (pair.Split('=', 2) is [var key, var value]) env[key.Trim()] = value.Trim();
        return env;
    }
}

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
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14, 15 of stat)
            }
            catch (IOException)
            {
                // the thread exited between listing and reading
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }
}
