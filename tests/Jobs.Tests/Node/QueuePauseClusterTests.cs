using System.Net;
using Jobs.Testing;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Jobs.Tests.Node.QueuePauseTests;

namespace Jobs.Tests.Node;

/// <summary>A pause answered by one node holds on every node the moment it is answered: the answer waits for each reachable gate.</summary>
[Collection(NodeCollection.Name)]
public sealed class QueuePauseClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_pause_answered_by_one_node_holds_on_the_other_at_once()
    {
        _cluster = await TestCluster.StartAsync(postgres, output, count: 2, extraEnv: _ => new(Env));
        var (a, b) = (_cluster.Nodes[0], _cluster.Nodes[1]);

        var paused = await Call(a, HttpMethod.Post, "/api/queues/default/pause", HttpStatusCode.OK);
        Assert.Equal(2, paused.GetProperty("confirmedBy").GetArrayLength());
        var held = new List<string>();
        for (var i = 0; i < 8; i++) held.Add((await b.SubmitAsync(new { type = "noop" })).GetProperty("id").GetString()!);
        await Witness(b);
        await Witness(a);
        foreach (var id in held) Assert.Equal("pending", await StatusOf(b, id));

        await Call(b, HttpMethod.Post, "/api/queues/default/resume", HttpStatusCode.OK);
        foreach (var id in held) await a.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(30));
    }
}
