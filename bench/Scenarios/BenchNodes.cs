namespace Jobs.Bench.Scenarios;

/// <summary>Environment of the node processes the bench starts (through the tests' TestCluster): more capacity, quieter logs.</summary>
public static class BenchNodes
{
    public static Dictionary<string, string> Env(Dictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>
        {
            ["JOBS_CAPACITY"] = "32",
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
