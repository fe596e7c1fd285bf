using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>Three real node processes on loopback sharing a real PostgreSQL: formation, crash, freeze, graceful leave.</summary>
[Collection(NodeCollection.Name)]
public sealed class MultiNodeTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Three_nodes_form_a_cluster_and_all_share_3000_jobs_submitted_round_robin()
    {
        _cluster = await TestCluster.StartAsync(postgres, output);

        var ids = await _cluster.SubmitRoundRobinAsync(3000, _ => new { type = "noop" });
        var done = await TestCluster.WaitCompletedAsync(_cluster.Nodes[0], ids.Count, TimeSpan.FromMinutes(3));

        Assert.Equal(ids.Order(), done.Select(j => j.GetProperty("id").GetString()!).Order());
        var perNode = done.GroupBy(j => j.GetProperty("node").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("jobs run per node: " + string.Join(", ", perNode.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(3, perNode.Count);
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(perNode.GetValueOrDefault(_cluster.NameOf(i)) > 0, $"node {_cluster.NameOf(i)} ran no job"));
    }

    [Fact]
    public async Task Killing_one_of_three_nodes_mid_run_loses_no_job()
    {
        // Every job calls an upstream that holds its answer until the node is dead: whatever the speed of
        // this machine, the victim's partitions still hold all their jobs when it is killed (the kill is
        // mid-run by construction), and the jobs running on it were started there and never finished.
        await using var upstream = await HeldUpstream.StartAsync();
        _cluster = await TestCluster.StartAsync(postgres, output, extraEnv: _ => upstream.NodeEnv);
        var victimName = _cluster.NameOf(2);

        var ids = await _cluster.SubmitRoundRobinAsync(1000, i => upstream.Job($"/job/{i}"));
        var runningOnVictim = await WaitRunningOn(2, atLeast: 4); // its capacity
        var victimShards = await _cluster.ShardsOfAsync(2);
        Assert.Equal(0, await TestCluster.CountStatusAsync(_cluster.Nodes[0], "completed"));
        var killedAt = DateTimeOffset.UtcNow;
        _cluster.Nodes[2].Kill();
        upstream.Release();
        output.WriteLine($"killed {victimName} (it owned partitions {string.Join(",", victimShards)}; running {runningOnVictim.Count} jobs) at {killedAt:O}");

        var done = await TestCluster.WaitCompletedAsync(_cluster.Nodes[0], ids.Count, TimeSpan.FromMinutes(4));
        Assert.Equal(ids.Order(), done.Select(j => j.GetProperty("id").GetString()!).Order());

        // The dead node's partitions were taken over: all their jobs, queued or running at the kill, finished on survivors,
        // and the ones that were running on it ran again.
        var orphaned = done.Where(j => victimShards.Contains(JobIds.PartitionOf(j.GetProperty("id").GetString()!, 32).ToString())).ToArray();
        Assert.NotEmpty(orphaned);
        Assert.All(orphaned, j => Assert.NotEqual(victimName, j.GetProperty("node").GetString()));
        var interrupted = done.Where(j => runningOnVictim.Contains(j.GetProperty("id").GetString()!)).ToArray();
        Assert.Equal(4, interrupted.Length);
        Assert.All(interrupted, j => Assert.Contains("attempt-failed", TestCluster.Events(j)));
        Assert.All(interrupted, j => Assert.True(TestCluster.Starts(j) >= 2, "an interrupted attempt ran again"));
        // No other attempt was cut short (a partition hand-off re-runs an attempt as "handed-off", not as a failure).
        Assert.All(done.Where(j => !interrupted.Contains(j)), j => Assert.DoesNotContain("attempt-failed", TestCluster.Events(j)));
        var firstTakeover = orphaned.Min(j => j.GetProperty("completedAt").GetDateTimeOffset());
        output.WriteLine($"kill → first completion by a survivor of a job of the dead node: {(firstTakeover - killedAt).TotalSeconds:0.0} s; " +
                         $"{orphaned.Length} of the dead node's jobs finished on survivors; {done.Count(j => TestCluster.Starts(j) > 1)} jobs ran more than once");
    }

    [Fact]
    public async Task A_frozen_node_is_downed_work_continues_and_on_waking_it_shuts_itself_down()
    {
        // The frozen node is running jobs when it stops (their upstream holds its answers until then), and their
        // answers are waiting for it when it wakes: it tries to record them in partitions that have moved on.
        await using var upstream = await HeldUpstream.StartAsync();
        _cluster = await TestCluster.StartAsync(postgres, output, extraEnv: _ => upstream.NodeEnv);
        var frozen = _cluster.Nodes[2];
        var ids = await _cluster.SubmitRoundRobinAsync(600, i => upstream.Job($"/job/{i}"));
        await WaitRunningOn(2, atLeast: 4); // its capacity

        frozen.Signal("STOP");
        var frozenAt = DateTimeOffset.UtcNow;
        upstream.Release();
        await _cluster.WaitRemovedAsync(2, via: 0, TimeSpan.FromSeconds(90));
        output.WriteLine($"frozen node removed after {(DateTimeOffset.UtcNow - frozenAt).TotalSeconds:0.0} s");

        // Work continues: new jobs, over all 32 partitions (the frozen node's moved), complete on the survivors.
        var more = new List<string>();
        for (var i = 0; i < 100; i++)
            more.Add((await _cluster.Nodes[i % 2].SubmitAsync(new { type = "noop", idempotencyKey = $"after-freeze-{i}" }, retryBusy: true)).GetProperty("id").GetString()!);
        foreach (var id in more) await _cluster.Nodes[0].WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(90));
        output.WriteLine($"100 new jobs completed {(DateTimeOffset.UtcNow - frozenAt).TotalSeconds:0.0} s after the freeze");

        frozen.Signal("CONT");
        var exited = await frozen.WaitForExitAsync(TimeSpan.FromSeconds(90));
        if (!exited) output.WriteLine("the woken node's log:\n" + frozen.Tail());
        Assert.True(exited, "the woken node kept running after it had been downed");
        output.WriteLine($"woken node exited with code {frozen.ExitCode}");
        Assert.Equal(3, frozen.ExitCode); // NodeExitCode.Downed

        var done = await TestCluster.WaitCompletedAsync(_cluster.Nodes[0], ids.Count + more.Count, TimeSpan.FromMinutes(4));
        Assert.Equal(ids.Concat(more).Order(), done.Select(j => j.GetProperty("id").GetString()!).Order());
        output.WriteLine($"{done.Count(j => TestCluster.Starts(j) > 1)} jobs ran more than once");
    }

    [Fact]
    public async Task Sigterm_and_the_leave_endpoint_leave_gracefully_and_nothing_fails()
    {
        _cluster = await TestCluster.StartAsync(postgres, output);
        var ids = await _cluster.SubmitRoundRobinAsync(300, i => new { type = "script", payload = new { code = $"sleep(400); {i}" }, maxAttempts = 1 });
        await WaitRunningOn(2);

        _cluster.Nodes[2].Signal("TERM");
        Assert.True(await _cluster.Nodes[2].WaitForExitAsync(TimeSpan.FromSeconds(90)), "the node did not exit after SIGTERM");
        Assert.Equal(0, _cluster.Nodes[2].ExitCode);

        // Now node 1 leaves through node 0's management API, while it runs jobs.
        ids.AddRange(await _cluster.SubmitRoundRobinAsync(200, i => new { type = "script", payload = new { code = $"sleep(400); {i}" }, maxAttempts = 1 }, via: [0, 1]));
        await WaitRunningOn(1);
        var bad = await _cluster.Nodes[0].Http.PostAsJsonAsync("/api/cluster/leave", new { address = "not an address" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var leave = await _cluster.Nodes[0].Http.PostAsJsonAsync("/api/cluster/leave", new { address = $"akka.tcp://jobs@{_cluster.NameOf(1)}" });
        Assert.Equal(HttpStatusCode.Accepted, leave.StatusCode);
        Assert.True(await _cluster.Nodes[1].WaitForExitAsync(TimeSpan.FromSeconds(90)), "the node did not exit after POST /api/cluster/leave");
        Assert.Equal(0, _cluster.Nodes[1].ExitCode);

        var done = await TestCluster.WaitCompletedAsync(_cluster.Nodes[0], ids.Count, TimeSpan.FromMinutes(4));
        var interrupted = done.Count(j => j.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("event").GetString() == "attempt-failed"));
        var handedOff = done.Count(j => j.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("event").GetString() == "handed-off"));
        output.WriteLine($"completed on the leaving nodes: {done.Count(j => j.GetProperty("node").GetString() == _cluster.NameOf(2))} (SIGTERM), " +
                         $"{done.Count(j => j.GetProperty("node").GetString() == _cluster.NameOf(1))} (leave endpoint); " +
                         $"{interrupted} attempts interrupted, {handedOff} handed off");
        Assert.Equal(0, interrupted); // maxAttempts = 1: an interrupted attempt would have failed the job
        Assert.Equal(ids.Count, done.Count);
    }

    /// <summary>Waits until the read model shows at least <paramref name="atLeast"/> jobs running on a node; their ids.</summary>
    private Task<List<string>> WaitRunningOn(int node, int atLeast = 1) =>
        Eventually.Until(async () => (await TestCluster.ListAllAsync(_cluster.Nodes[0], "status=running"))
                .Where(j => j.GetProperty("node").GetString() == _cluster.NameOf(node)).Select(j => j.GetProperty("id").GetString()!).ToList(),
            running => running.Count >= atLeast, TimeSpan.FromSeconds(60), $"{atLeast} job(s) running on {_cluster.NameOf(node)}");
}
