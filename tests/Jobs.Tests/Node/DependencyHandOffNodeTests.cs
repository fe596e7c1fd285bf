using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// Three real node processes on PostgreSQL: the node that owns a dependency's partition leaves
/// while jobs on the other nodes wait for it; the partition recovers on a survivor with no watch
/// registered, and the dependency's end still reaches every dependant.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class DependencyHandOffNodeTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Dependants_on_other_nodes_run_after_the_dependency_partition_moved_with_a_leaving_node()
    {
        await using var upstream = await HeldUpstream.StartAsync(); // holds the dependency's answer until the node has left
        _cluster = await TestCluster.StartAsync(postgres, output, extraEnv: _ => upstream.NodeEnv);
        var dependency = (await _cluster.Nodes[0].SubmitAsync(upstream.Job("/held/dependency"), retryBusy: true)).GetProperty("id").GetString()!;
        var running = await _cluster.Nodes[0].WaitForStatusAsync(dependency, "running");
        var leaving = Enumerable.Range(0, 3).Single(i => _cluster.NameOf(i) == running.GetProperty("node").GetString());
        var stays = leaving == 0 ? 1 : 0;

        var dependants = new List<string>();
        for (var i = 0; i < 30; i++)
            dependants.Add((await _cluster.Nodes[stays].SubmitAsync(new { type = "noop", dependsOn = new[] { dependency } }, retryBusy: true)).GetProperty("id").GetString()!);
        foreach (var id in dependants) await _cluster.Nodes[stays].WaitForStatusAsync(id, "scheduled");
        var leavingShards = await _cluster.ShardsOfAsync(leaving, via: stays);
        Assert.Contains(dependants, id => !leavingShards.Contains(JobIds.PartitionOf(id, 32).ToString())); // watchers that stay where they are

        _cluster.Nodes[leaving].Signal("TERM");
        Assert.True(await _cluster.Nodes[leaving].WaitForExitAsync(TimeSpan.FromSeconds(90)), "the node did not exit after SIGTERM");
        upstream.Release();

        var done = await _cluster.Nodes[stays].WaitForStatusAsync(dependency, "completed", TimeSpan.FromSeconds(120));
        Assert.NotEqual(_cluster.NameOf(leaving), done.GetProperty("node").GetString());
        foreach (var id in dependants) await _cluster.Nodes[stays].WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(60));
    }
}
