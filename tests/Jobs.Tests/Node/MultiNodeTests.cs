using System.Diagnostics;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>Three real node processes on loopback sharing a real PostgreSQL.</summary>
[Collection(NodeCollection.Name)]
public sealed class MultiNodeTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<NodeProcess> _nodes = [];
    private readonly List<int> _ports = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var n in _nodes) await n.DisposeAsync();
    }

    [Fact]
    public async Task Three_nodes_form_a_cluster_and_all_share_3000_jobs_submitted_round_robin()
    {
        await StartCluster(await postgres.CreateDatabaseAsync());

        var ids = await SubmitRoundRobin(3000, _ => new { type = "noop" });
        var done = await WaitAllTerminal(_nodes[0], ids.Count, TimeSpan.FromMinutes(3));

        Assert.All(done, j => Assert.Equal("completed", j.GetProperty("status").GetString()));
        var perNode = done.GroupBy(j => j.GetProperty("node").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("jobs run per node: " + string.Join(", ", perNode.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(3, perNode.Count);
        Assert.All(_ports, p => Assert.True(perNode.GetValueOrDefault($"127.0.0.1:{p}") > 0, $"node on port {p} ran no job"));
    }

    [Fact]
    public async Task Killing_one_of_three_nodes_mid_run_loses_no_job()
    {
        await StartCluster(await postgres.CreateDatabaseAsync());
        var victim = _nodes[2];
        var victimName = $"127.0.0.1:{_ports[2]}";
        var victimShards = await ShardsOf(_nodes[0], victimName);
        Assert.NotEmpty(victimShards);

        var ids = await SubmitRoundRobin(1000, i => new { type = "script", payload = new { code = $"sleep(150); {i}" } });
        await Eventually.Until(() => CountStatus(_nodes[0], "completed"), n => n >= 50, TimeSpan.FromSeconds(60), "50 jobs completed before the kill");
        var killedAt = DateTimeOffset.UtcNow;
        victim.Kill();
        output.WriteLine($"killed {victimName} (it owned partitions {string.Join(",", victimShards)}) at {killedAt:O}");

        var done = await WaitAllTerminal(_nodes[0], ids.Count, TimeSpan.FromMinutes(4));
        Assert.Equal(1000, done.Count);
        Assert.All(done, j => Assert.Equal("completed", j.GetProperty("status").GetString()));

        var partitions = 32;
        var orphaned = done.Where(j => victimShards.Contains(Jobs.Messages.JobIds.PartitionOf(j.GetProperty("id").GetString()!, partitions).ToString()))
            .Where(j => j.GetProperty("node").GetString() != victimName).ToArray();
        Assert.NotEmpty(orphaned);
        var firstTakeover = orphaned.Min(j => j.GetProperty("completedAt").GetDateTimeOffset());
        var reexecuted = done.Count(j => j.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("event").GetString() == "started") > 1);
        output.WriteLine($"kill → first completion by a survivor of a job of the dead node: {(firstTakeover - killedAt).TotalSeconds:0.0} s; " +
                         $"{orphaned.Length} of the dead node's jobs finished on survivors; {reexecuted} jobs ran more than once");
    }

    [Fact]
    public async Task Sigterm_leaves_gracefully_running_jobs_finish_and_nothing_fails()
    {
        await StartCluster(await postgres.CreateDatabaseAsync());
        var leaving = _nodes[2];
        var leavingName = $"127.0.0.1:{_ports[2]}";
        var ids = await SubmitRoundRobin(300, i => new { type = "script", payload = new { code = $"sleep(400); {i}" }, maxAttempts = 1 });
        await Eventually.Until(async () => (await ListAll(_nodes[0], "running")).Count(j => j.GetProperty("node").GetString() == leavingName),
            n => n > 0, TimeSpan.FromSeconds(60), "jobs running on the node that will leave");

        leaving.Signal("TERM");
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(90)), "the node did not exit after SIGTERM");
        Assert.Equal(0, leaving.ExitCode);

        var done = await WaitAllTerminal(_nodes[0], ids.Count, TimeSpan.FromMinutes(4));
        Assert.All(done, j => Assert.Equal("completed", j.GetProperty("status").GetString()));
        var interrupted = done.Count(j => j.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("event").GetString() == "attempt-failed"));
        output.WriteLine($"{done.Count(j => j.GetProperty("node").GetString() == leavingName)} jobs completed on the leaving node; {interrupted} attempts interrupted");
        Assert.Equal(0, interrupted); // maxAttempts = 1: an interrupted attempt would have failed the job
    }

    private async Task StartCluster(string db)
    {
        for (var i = 0; i < 3; i++) _ports.Add(PostgresServer.FreePort());
        var seeds = $"127.0.0.1:{_ports[0]}";
        Dictionary<string, string> Env(int i) => new()
        {
            ["JOBS_PERSISTENCE"] = "postgres",
            ["JOBS_DB"] = db,
            ["JOBS_CLUSTER_PORT"] = _ports[i].ToString(),
            ["JOBS_CLUSTER_SEEDS"] = seeds,
            ["JOBS_CAPACITY"] = "4",
        };
        _nodes.Add(await NodeProcess.StartAsync(TestPaths.NewTempDir("mn0"), output, Env(0)));
        var rest = await Task.WhenAll(Enumerable.Range(1, 2).Select(i => NodeProcess.StartAsync(TestPaths.NewTempDir($"mn{i}"), output, Env(i))));
        _nodes.AddRange(rest);

        await Eventually.Until(async () =>
        {
            using var doc = JsonDocument.Parse(await _nodes[0].Http.GetStringAsync("/api/cluster"));
            return doc.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");
        }, n => n == 3, TimeSpan.FromSeconds(60), "3 members up");
        // Partitions first land on the seed node; wait until rebalancing gave every node a share.
        await Eventually.Until(async () => await Task.WhenAll(_ports.Select(p => ShardsOf(_nodes[0], $"127.0.0.1:{p}"))),
            shards => shards.All(s => s.Count >= 8), TimeSpan.FromSeconds(90), "every node hosting at least 8 of the 32 partitions");
    }

    private async Task<List<string>> SubmitRoundRobin(int count, Func<int, object> job)
    {
        var ids = new string[count];
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                ids[i] = (await _nodes[i % _nodes.Count].SubmitAsync(job(i))).GetProperty("id").GetString()!;
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. ids];
    }

    private static async Task<List<string>> ShardsOf(NodeProcess node, string nodeName)
    {
        using var doc = JsonDocument.Parse(await node.Http.GetStringAsync("/api/cluster/sharding"));
        return doc.RootElement.GetProperty("regions")[0].GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("address").GetString()!.EndsWith("@" + nodeName, StringComparison.Ordinal))
            .SelectMany(n => n.GetProperty("shardIds").EnumerateArray().Select(s => s.GetString()!)).ToList();
    }

    private static async Task<int> CountStatus(NodeProcess node, string status) => (await ListAll(node, status)).Count;

    private static async Task<List<JsonElement>> WaitAllTerminal(NodeProcess node, int count, TimeSpan deadline) =>
        await Eventually.Until(async () => await ListAll(node, "completed"), all => all.Count >= count, deadline, $"{count} jobs completed (read model)");

    private static async Task<List<JsonElement>> ListAll(NodeProcess node, string status)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var doc = JsonDocument.Parse(await node.Http.GetStringAsync($"/api/jobs?status={status}&limit=1000" + (cursor is null ? "" : "&cursor=" + cursor)));
            all.AddRange(doc.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            cursor = doc.RootElement.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return all;
    }
}
