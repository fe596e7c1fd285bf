using System.Text.Json;
using Jobs.Testing;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Jobs.Tests.Node.LimitTests;

namespace Jobs.Tests.Node;

/// <summary>A concurrency of 1 held across three real nodes, and the lease of a node killed with -9 given back.</summary>
[Collection(NodeCollection.Name)]
public sealed class LimitClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Concurrency_1_holds_across_three_nodes_and_a_killed_node_s_lease_is_reclaimed()
    {
        _cluster = await TestCluster.StartAsync(postgres, output);
        await Put(_cluster.Nodes[0], "solo", """{"concurrency":1}""");

        // two jobs through each node, at once: never two running together, wherever their partitions are
        var ids = (await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Submit(_cluster.Nodes[i % 3], new { type = "noop", limitKey = "solo", payload = new { delayMs = 300 } })))).ToList();
        var jobs = new List<JsonElement>();
        foreach (var id in ids) jobs.Add(await _cluster.Nodes[0].WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(90)));
        var spans = jobs.Select(j => (Start: j.GetProperty("startedAt").GetDateTimeOffset(), End: j.GetProperty("completedAt").GetDateTimeOffset(),
            Node: j.GetProperty("node").GetString())).OrderBy(s => s.Start).ToArray();
        foreach (var s in spans) output.WriteLine($"{s.Start:HH:mm:ss.fff} - {s.End:HH:mm:ss.fff} on {s.Node}");
        for (var i = 1; i < spans.Length; i++)
            Assert.True(spans[i].Start >= spans[i - 1].End, $"job {i} started at {spans[i].Start:O} before job {i - 1} ended at {spans[i - 1].End:O}");
        Assert.True(spans.Select(s => s.Node).Distinct().Count() > 1, "the jobs ran on one node only: the test proves nothing across nodes");

        // a job holding the only lease on a node that is killed: its lease comes back to the survivors (one attempt only,
        // so the interrupted holder ends in the DLQ instead of taking the lease again for its 10 minutes)
        var holder = await Submit(_cluster.Nodes[0], new { type = "noop", limitKey = "solo", maxAttempts = 1, payload = new { delayMs = 600_000 } });
        var running = await _cluster.Nodes[0].WaitForStatusAsync(holder, "running", TimeSpan.FromSeconds(30));
        var victim = Enumerable.Range(0, 3).Single(i => _cluster.NameOf(i) == running.GetProperty("node").GetString());
        var survivor = _cluster.Nodes[(victim + 1) % 3];
        var next = await Submit(survivor, new { type = "noop", limitKey = "solo" });
        Assert.Equal("pending", (await survivor.GetJobAsync(next))!.Value.GetProperty("status").GetString());

        _cluster.Nodes[victim].Kill();

        // the dead node's lease is free: the job behind it runs on a survivor; the interrupted holder is dead-lettered
        await survivor.WaitForStatusAsync(next, "completed", TimeSpan.FromSeconds(120));
        await survivor.WaitForStatusAsync(holder, "failed", TimeSpan.FromSeconds(60));
    }
}
