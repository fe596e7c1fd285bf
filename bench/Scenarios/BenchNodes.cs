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
