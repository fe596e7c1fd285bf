using System.Text.Json;
using Xunit.Abstractions;

namespace Jobs.Testing;

/// <summary>Real node processes on loopback sharing one PostgreSQL database, plus the HTTP probes the cluster tests use.</summary>
public sealed class TestCluster(string db, ITestOutputHelper? output) : IAsyncDisposable
{
    /// <summary>The cluster's database (its connection string).</summary>
    public string Db { get; } = db;

    public List<NodeProcess> Nodes { get; } = [];
    public List<int> Ports { get; } = [];

    public string NameOf(int i) => $"127.0.0.1:{Ports[i]}";

    /// <summary>Starts <paramref name="count"/> nodes (the first is the seed), waits until all are up and every node hosts a share of the default queue's partitions.</summary>
    public static async Task<TestCluster> StartAsync(PostgresServer postgres, ITestOutputHelper? output, int count = 3,
        Func<int, Dictionary<string, string>>? extraEnv = null)
    {
        var cluster = new TestCluster(await postgres.CreateDatabaseAsync(), output);
        for (var i = 0; i < count; i++) cluster.Ports.Add(PostgresServer.FreePort());
        cluster.Nodes.Add(await cluster.StartNodeAsync(0, extraEnv?.Invoke(0)));
        cluster.Nodes.AddRange(await Task.WhenAll(Enumerable.Range(1, count - 1).Select(i => cluster.StartNodeAsync(i, extraEnv?.Invoke(i)))));
        await cluster.WaitMembersUpAsync(count);
        // Partitions first land on the seed node; wait until rebalancing has evened them out (no node holds two
        // more than another), so no rebalance hand-off interrupts the test's jobs before its membership changes.
        await Eventually.Until(async () => await Task.WhenAll(cluster.Ports.Select((_, i) => cluster.ShardsOfAsync(i))),
            shards => shards.Select(s => s.Count(id => int.Parse(id) < 32)).ToArray() is var n && n.Sum() == 32 && n.Max() - n.Min() <= 1,
            TimeSpan.FromSeconds(90), "the 32 default partitions spread evenly over the nodes");
        return cluster;
    }

    /// <summary>
    /// Adds one more node (a new port) with extra environment; returns its index. Without
    /// <paramref name="waitReady"/> it only waits for the node's HTTP port (for a node that is not
    /// expected to join).
    /// </summary>
    public async Task<int> AddNodeAsync(Dictionary<string, string>? extraEnv = null, bool waitReady = true)
    {
        Ports.Add(PostgresServer.FreePort());
        var index = Ports.Count - 1;
        Nodes.Add(await StartNodeAsync(index, extraEnv, waitReady));
        return index;
    }

    /// <summary>Launches one more node with extra environment and waits for nothing (for a node expected to stop by itself); returns its index.</summary>
    public int LaunchNode(Dictionary<string, string>? extraEnv = null)
    {
        Ports.Add(PostgresServer.FreePort());
        var index = Ports.Count - 1;
        Nodes.Add(NodeProcess.Launch(TestPaths.NewTempDir($"node{index}-"), output, Env(index, extraEnv)));
        return index;
    }

    private Task<NodeProcess> StartNodeAsync(int i, Dictionary<string, string>? extraEnv, bool waitReady = true) =>
        NodeProcess.StartAsync(TestPaths.NewTempDir($"node{i}-"), output, Env(i, extraEnv), waitReady);

    private Dictionary<string, string> Env(int i, Dictionary<string, string>? extraEnv)
    {
        var env = new Dictionary<string, string>
        {
            ["JOBS_PERSISTENCE"] = "postgres",
            ["JOBS_DB"] = Db,
            ["JOBS_CLUSTER_PORT"] = Ports[i].ToString(),
            ["JOBS_CLUSTER_SEEDS"] = $"127.0.0.1:{Ports[0]}",
            ["JOBS_CAPACITY"] = "4",
        };
        foreach (var (k, v) in extraEnv ?? []) env[k] = v;
        return env;
    }

    public Task WaitMembersUpAsync(int count) =>
        Eventually.Until(async () =>
        {
            using var doc = JsonDocument.Parse(await Nodes[0].Http.GetStringAsync("/api/cluster"));
            return doc.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");
        }, n => n == count, TimeSpan.FromSeconds(60), $"{count} members up");

    /// <summary>Waits until node <paramref name="via"/> no longer lists node <paramref name="gone"/> as a member.</summary>
    public Task WaitRemovedAsync(int gone, int via, TimeSpan deadline) =>
        Eventually.Until(async () =>
        {
            using var doc = JsonDocument.Parse(await Nodes[via].Http.GetStringAsync("/api/cluster"));
            return doc.RootElement.GetProperty("members").EnumerateArray().All(m => !m.GetProperty("address").GetString()!.EndsWith("@" + NameOf(gone), StringComparison.Ordinal));
        }, deadline, $"node {NameOf(gone)} removed from the cluster");

    public async Task<List<string>> SubmitRoundRobinAsync(int count, Func<int, object> job, IReadOnlyList<int>? via = null)
    {
        via ??= Enumerable.Range(0, Nodes.Count).ToArray();
        var ids = new string[count];
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                ids[i] = (await Nodes[via[i % via.Count]].SubmitAsync(job(i))).GetProperty("id").GetString()!;
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. ids];
    }

    /// <summary>The partitions node <paramref name="i"/> hosts, as node 0 sees them.</summary>
    public async Task<List<string>> ShardsOfAsync(int i, int via = 0)
    {
        using var doc = JsonDocument.Parse(await Nodes[via].Http.GetStringAsync("/api/cluster/sharding"));
        return doc.RootElement.GetProperty("regions")[0].GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("address").GetString()!.EndsWith("@" + NameOf(i), StringComparison.Ordinal))
            .SelectMany(n => n.GetProperty("shardIds").EnumerateArray().Select(s => s.GetString()!)).ToList();
    }

    public static async Task<int> CountStatusAsync(NodeProcess node, string status) => (await ListAllAsync(node, $"status={status}")).Count;

    public static async Task<List<JsonElement>> WaitCompletedAsync(NodeProcess node, int count, TimeSpan deadline, string filter = "") =>
        await Eventually.Until(async () => await ListAllAsync(node, "status=completed" + filter), all => all.Count >= count, deadline,
            $"{count} jobs completed (read model)");

    public static async Task<List<JsonElement>> ListAllAsync(NodeProcess node, string query)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var doc = JsonDocument.Parse(await node.Http.GetStringAsync($"/api/jobs?{query}&limit=1000" + (cursor is null ? "" : "&cursor=" + cursor)));
            all.AddRange(doc.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            cursor = doc.RootElement.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return all;
    }

    /// <summary>The events of a job's history, in order.</summary>
    public static IEnumerable<string> Events(JsonElement job) =>
        job.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()!);

    public static int Starts(JsonElement job) => Events(job).Count(e => e == "started");

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Nodes) await n.DisposeAsync();
    }
}
