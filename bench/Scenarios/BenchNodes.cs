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
        return env;
    }
}
