using System.Text.Json;
using Jobs.Tests.Support;

namespace Jobs.Bench.Scenarios;

/// <summary>Real node processes (the tests' NodeProcess driver) on one PostgreSQL database.</summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public List<NodeProcess> Nodes { get; } = [];
    public List<int> Ports { get; } = [];

    public string NameOf(int i) => $"127.0.0.1:{Ports[i]}";

    public static async Task<BenchCluster> StartAsync(string db, int count, Func<int, Dictionary<string, string>>? extraEnv = null)
    {
        var c = new BenchCluster();
        for (var i = 0; i < count; i++) c.Ports.Add(PostgresServer.FreePort());
        Dictionary<string, string> Env(int i)
        {
            var env = new Dictionary<string, string>
            {
                ["JOBS_PERSISTENCE"] = "postgres",
                ["JOBS_DB"] = db,
                ["JOBS_CLUSTER_PORT"] = c.Ports[i].ToString(),
                ["JOBS_CLUSTER_SEEDS"] = $"127.0.0.1:{c.Ports[0]}",
                ["JOBS_CAPACITY"] = "32",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            };
            foreach (var (k, v) in extraEnv?.Invoke(i) ?? []) env[k] = v;
            return env;
        }
        c.Nodes.Add(await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-node0"), null, Env(0)));
        for (var i = 1; i < count; i++) c.Nodes.Add(await NodeProcess.StartAsync(TestPaths.NewTempDir($"bench-node{i}"), null, Env(i)));
        await Eventually.Until(async () =>
        {
            using var doc = JsonDocument.Parse(await c.Nodes[0].Http.GetStringAsync("/api/cluster"));
            return doc.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");
        }, n => n == count, TimeSpan.FromSeconds(60), $"{count} members up");
        var share = 32 / count / 2 + 1;
        await Eventually.Until(async () => await Task.WhenAll(Enumerable.Range(0, count).Select(c.ShardsOfAsync)),
            s => s.All(x => x.Count >= share), TimeSpan.FromSeconds(90), "partitions spread");
        return c;
    }

    public async Task<List<string>> ShardsOfAsync(int i)
    {
        var via = Nodes.FindIndex(n => !n.HasExited);
        using var doc = JsonDocument.Parse(await Nodes[via].Http.GetStringAsync("/api/cluster/sharding"));
        return doc.RootElement.GetProperty("regions")[0].GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("address").GetString()!.EndsWith("@" + NameOf(i), StringComparison.Ordinal))
            .SelectMany(n => n.GetProperty("shardIds").EnumerateArray().Select(s => s.GetString()!)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Nodes) await n.DisposeAsync();
    }
}
