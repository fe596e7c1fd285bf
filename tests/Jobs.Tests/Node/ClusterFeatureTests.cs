using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>Queues by role, dependencies across partitions and nodes, batches through the consistent-hash router — on real node processes and a real PostgreSQL.</summary>
[Collection(NodeCollection.Name)]
public sealed class ClusterFeatureTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    private static readonly Dictionary<string, string> DefaultRole = new() { ["JOBS_QUEUES"] = "default,gpu", ["JOBS_CLUSTER_ROLES"] = "default" };
    private static readonly Dictionary<string, string> GpuRole = new() { ["JOBS_QUEUES"] = "default,gpu", ["JOBS_CLUSTER_ROLES"] = "default,gpu" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Gpu_jobs_wait_until_a_gpu_node_joins_and_run_only_there()
    {
        _cluster = await TestCluster.StartAsync(postgres, output, count: 2, extraEnv: _ => DefaultRole);
        var unknown = await _cluster.Nodes[0].Http.PostAsJsonAsync("/api/jobs", new { type = "noop", queue = "tpu" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var early = await _cluster.SubmitRoundRobinAsync(6, _ => new { type = "noop", queue = "gpu" });
        Assert.All(early, id => Assert.StartsWith("gpu.", id));
        foreach (var id in early) Assert.Equal("pending", (await _cluster.Nodes[0].GetJobAsync(id))!.Value.GetProperty("status").GetString());

        var gpu = await _cluster.AddNodeAsync(GpuRole);
        await _cluster.WaitMembersUpAsync(3);
        var later = await _cluster.SubmitRoundRobinAsync(30, _ => new { type = "noop", queue = "gpu" });
        var plain = await _cluster.SubmitRoundRobinAsync(30, _ => new { type = "noop" });

        var gpuDone = await TestCluster.WaitCompletedAsync(_cluster.Nodes[0], early.Count + later.Count, TimeSpan.FromMinutes(2), "&queue=gpu");
        Assert.All(gpuDone, j => Assert.Equal(_cluster.NameOf(gpu), j.GetProperty("node").GetString()));
        Assert.All(gpuDone, j => Assert.Equal(1, TestCluster.Starts(j))); // never started before the gpu node came
        await TestCluster.WaitCompletedAsync(_cluster.Nodes[0], plain.Count, TimeSpan.FromMinutes(2), "&queue=default");
        var gpuShards = (await _cluster.ShardsOfAsync(gpu)).Count(s => int.Parse(s) >= 32);
        output.WriteLine($"{gpuDone.Count} gpu jobs ran on {_cluster.NameOf(gpu)}, which hosts {gpuShards} of the 8 gpu partitions");
    }

    /// <summary>
    /// The node that owns a dependency's partition leaves while jobs on the other nodes wait for it;
    /// the partition recovers on a survivor with no watch registered, and the dependency's end still
    /// reaches every dependant.
    /// </summary>
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

    [Fact]
    public async Task Dependencies_chain_across_partitions_and_nodes_and_a_failure_cancels_the_rest()
    {
        _cluster = await TestCluster.StartAsync(postgres, output);
        var n = _cluster.Nodes;
        var bad = await n[0].Http.PostAsJsonAsync("/api/jobs", new { type = "noop", dependsOn = new[] { "NOSUCHJOB" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("dependsOn[0]", await bad.Content.ReadAsStringAsync());

        var a = Id(await n[0].SubmitAsync(new { type = "script", payload = new { code = "sleep(500); 'a'" } }));
        var b = Id(await n[1].SubmitAsync(new { type = "script", payload = new { code = "sleep(200); 'b'" }, dependsOn = new[] { a } }));
        var c = Id(await n[2].SubmitAsync(new { type = "noop", dependsOn = new[] { b } }));
        output.WriteLine($"chain partitions: {string.Join(" -> ", new[] { a, b, c }.Select(id => JobIds.PartitionOf(id, 32)))}");
        Assert.Equal("scheduled", (await n[0].GetJobAsync(c))!.Value.GetProperty("status").GetString());

        var jc = await n[0].WaitForStatusAsync(c, "completed", TimeSpan.FromSeconds(60));
        // a partition that moved since (rebalance while the cluster forms) answers from the read
        // model, which may still be catching up: wait for the final views, not one read
        var ja = await n[0].WaitForStatusAsync(a, "completed", TimeSpan.FromSeconds(60));
        var jb = await n[0].WaitForStatusAsync(b, "completed", TimeSpan.FromSeconds(60));
        Assert.True(jb.GetProperty("startedAt").GetDateTimeOffset() >= ja.GetProperty("completedAt").GetDateTimeOffset(), "B started before A completed");
        Assert.True(jc.GetProperty("startedAt").GetDateTimeOffset() >= jb.GetProperty("completedAt").GetDateTimeOffset(), "C started before B completed");

        var a2 = Id(await n[0].SubmitAsync(new { type = "script", payload = new { code = "sleep(300); throw new Error('boom')" }, maxAttempts = 1 }));
        var b2 = Id(await n[1].SubmitAsync(new { type = "noop", dependsOn = new[] { a2 } }));
        var c2 = Id(await n[2].SubmitAsync(new { type = "noop", dependsOn = new[] { b2 } }));
        await n[0].WaitForStatusAsync(a2, "failed", TimeSpan.FromSeconds(60));
        foreach (var id in new[] { b2, c2 })
        {
            var j = await n[0].WaitForStatusAsync(id, "cancelled", TimeSpan.FromSeconds(60));
            Assert.Equal("dependency", j.GetProperty("error").GetProperty("kind").GetString());
            Assert.Equal(0, TestCluster.Starts(j));
        }
    }

    [Fact]
    public async Task Batches_are_not_duplicated_spread_their_coordinators_and_survive_the_coordinators_node()
    {
        _cluster = await TestCluster.StartAsync(postgres, output);
        var n = _cluster.Nodes;
        // ~250 kB of JSON: more than Akka's default 128 kB remoting frame, so a batch whose coordinator is on another node must still arrive
        var batch = new { id = "dup-600", jobs = Enumerable.Range(0, 600).Select(i => new { type = "noop", metadata = new { i, pad = new string('x', 300) } }).ToArray() };
        var first = await n[0].Http.PostAsJsonAsync("/api/batches", batch);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var again = await n[1].Http.PostAsJsonAsync("/api/batches", batch);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(600, (await Json(again)).GetProperty("total").GetInt32());

        var view = await Eventually.Until(() => GetBatch(n[2], "dup-600"), v => v.GetProperty("status").GetString() == "completed",
            TimeSpan.FromMinutes(2), "batch dup-600 completed");
        Assert.Equal(600, view.GetProperty("completed").GetInt32());
        Assert.Equal(600, (await TestCluster.ListAllAsync(n[0], "batchId=dup-600")).Count);

        var tooBig = await n[0].Http.PostAsJsonAsync("/api/batches", new { jobs = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);

        var coordinators = new Dictionary<string, string>();
        for (var i = 0; i < 30; i++)
        {
            var r = await n[i % 3].Http.PostAsJsonAsync("/api/batches", new { id = $"spread-{i}", jobs = new[] { new { type = "noop" }, new { type = "noop" } } });
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            coordinators[$"spread-{i}"] = (await Json(r)).GetProperty("node").GetString()!;
        }
        output.WriteLine("coordinators per node: " + string.Join(", ", coordinators.GroupBy(kv => kv.Value).Select(g => $"{g.Key}={g.Count()}")));
        Assert.Equal(3, coordinators.Values.Distinct().Count());

        // The coordinator's node dies: the batch is recovered from the journal on another node.
        var orphan = coordinators.First(kv => kv.Value == _cluster.NameOf(2)).Key;
        n[2].Kill();
        await _cluster.WaitRemovedAsync(2, via: 0, TimeSpan.FromSeconds(90));
        var recovered = await Eventually.Until(() => GetBatch(n[0], orphan), v => v.GetProperty("status").GetString() == "completed",
            TimeSpan.FromSeconds(90), $"batch {orphan} answered by a surviving coordinator");
        Assert.NotEqual(_cluster.NameOf(2), recovered.GetProperty("node").GetString());
        Assert.Equal(2, recovered.GetProperty("total").GetInt32());
        output.WriteLine($"batch {orphan} moved from {_cluster.NameOf(2)} to {recovered.GetProperty("node").GetString()}");
    }

    private static string Id(JsonElement job) => job.GetProperty("id").GetString()!;

    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();

    private static async Task<JsonElement> GetBatch(NodeProcess node, string id)
    {
        var r = await node.Http.GetAsync($"/api/batches/{id}");
        return r.IsSuccessStatusCode ? await Json(r) : JsonDocument.Parse("""{"status":"unavailable"}""").RootElement.Clone();
    }
}
