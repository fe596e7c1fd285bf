using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>jobctl and the management API against a live 3-node cluster (real processes, real PostgreSQL).</summary>
[Collection(NodeCollection.Name)]
public sealed class OperationsClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private Task<(int Code, string Out, string Err)> Jobctl(int via, params string[] args) => JobctlRunner.RunAsync(_cluster.Nodes[via], output, args);

    [Fact]
    public async Task Jobctl_shows_the_cluster_finds_a_dead_node_downs_it_and_stats_go_stale_for_a_frozen_one()
    {
        // The split-brain resolver is kept out of the way (stable-after 10 min) so the operator downs
        // the dead node by hand; heartbeats every 500 ms, stale after 2 s.
        _cluster = await TestCluster.StartAsync(postgres, output, 3, _ => new Dictionary<string, string>
        {
            ["JOBS_SBR_STABLE_AFTER_MS"] = "600000",
            ["JOBS_STATS_INTERVAL_MS"] = "500",
            ["JOBS_STATS_STALE_MS"] = "2000",
        });
        var (code, show, _) = await Jobctl(0, "cluster", "show");
        Assert.Equal(0, code);
        Assert.Equal(3, show.Split('\n').Count(l => l.Contains("| up ", StringComparison.Ordinal)));
        Assert.Contains("3 member(s)", show);

        var (_, stats, _) = await Jobctl(1, "cluster", "sharding", "region-stats", "partitions");
        Assert.Contains("32 shard(s) on 3 node(s)", stats);
        Assert.Equal(1, (await Jobctl(0, "cluster", "sharding", "region-stats", "nope")).Code);

        // node 0 sees node 2's heartbeat (through Akka pub-sub, not the database)
        var node2 = $"akka.tcp://jobs@{_cluster.NameOf(2)}";
        await Eventually.Until(async () => await NodesSeenBy(0), n => n.TryGetValue(node2, out var s) && !s.GetProperty("stale").GetBoolean(),
            TimeSpan.FromSeconds(20), "node 0 sees node 2's fresh stats");

        // frozen: its heartbeats stop and node 0 reports it stale
        _cluster.Nodes[2].Signal("STOP");
        await Eventually.Until(async () => await NodesSeenBy(0), n => n.TryGetValue(node2, out var s) && s.GetProperty("stale").GetBoolean(),
            TimeSpan.FromSeconds(30), "node 2 stale on node 0");
        var (_, nodesTable, _) = await Jobctl(0, "nodes");
        Assert.Contains("STALE", nodesTable.Split('\n').Single(l => l.Contains(_cluster.NameOf(2), StringComparison.Ordinal)));

        // dead: unreachable names it; down-unreachable removes it
        _cluster.Nodes[2].Kill();
        await Eventually.Until(async () => (await Jobctl(0, "cluster", "unreachable")).Out, o => o.Contains(node2, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "cluster unreachable names node 2");
        var (downCode, downed, _) = await Jobctl(0, "cluster", "down-unreachable");
        Assert.Equal(0, downCode);
        Assert.Contains($"{node2} marked down", downed);
        await Eventually.Until(async () => (await Jobctl(0, "--json", "cluster", "show")).Out,
            o => JsonDocument.Parse(o).RootElement.GetProperty("members").GetArrayLength() == 2, TimeSpan.FromSeconds(30), "node 2 removed");
        await Eventually.Until(async () => (await Jobctl(1, "cluster", "sharding", "region-stats", "partitions")).Out,
            o => o.Contains("32 shard(s) on 2 node(s)", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "all 32 partitions on the two live nodes");
    }

    private async Task<Dictionary<string, JsonElement>> NodesSeenBy(int via)
    {
        using var doc = JsonDocument.Parse(await _cluster.Nodes[via].Http.GetStringAsync("/api/nodes"));
        return doc.RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("address").GetString()!, n => n.Clone());
    }
}
