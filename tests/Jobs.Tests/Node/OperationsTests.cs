using System.Net;
using System.Text;
using System.Text.Json;
using Jobs.Cli;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>One real node: /metrics, /api/nodes, /api/actors, jobctl against it, API keys, the memory guard.</summary>
[Collection(NodeCollection.Name)]
public sealed class OperationsTests(NodeFixture fixture, ITestOutputHelper output) : IClassFixture<NodeFixture>
{
    private NodeProcess Node => fixture.Node;

    private Task<(int Code, string Out, string Err)> Jobctl(NodeProcess node, params string[] args) => JobctlRunner.RunAsync(node, output, args);

    private async Task<IReadOnlyDictionary<string, PrometheusText.Family>> Metrics(NodeProcess node)
    {
        var response = await node.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_count_the_jobs_this_test_ran()
    {
        var before = await Metrics(Node);
        var completed = new[] { "noop", "noop", "noop" }.Select(t => Node.SubmitAsync(new { type = t })).ToArray();
        var ids = (await Task.WhenAll(completed)).Select(j => j.GetProperty("id").GetString()!).ToList();
        var failing = (await Node.SubmitAsync(new { type = "script", maxAttempts = 2, backoff = new { initialMs = 10, jitter = 0.0 }, payload = new { code = "throw new Error('no')" } }))
            .GetProperty("id").GetString()!;
        foreach (var id in ids) await Node.WaitForStatusAsync(id, "completed");
        await Node.WaitForStatusAsync(failing, "failed");

        // a job's counters are recorded when its events are durable, i.e. before the read model shows them
        var after = await Metrics(Node);
        double Delta(string name, params (string, string)[] labels) =>
            PrometheusText.Value(after, name, labels) - PrometheusText.Value(before, name, labels);
        Assert.Equal(3, Delta("jobs_completed_total", ("type", "noop"), ("queue", "default")));
        Assert.Equal(4, Delta("jobs_submitted_total"));
        Assert.Equal(2, Delta("jobs_failed_total", ("type", "script")));
        Assert.Equal(1, Delta("jobs_retried_total", ("type", "script")));
        Assert.Equal(1, Delta("jobs_dead_lettered_total", ("type", "script")));
        Assert.Equal(5, Delta("jobs_started_total"));
        Assert.Equal(3, Delta("jobs_duration_seconds_count", ("type", "noop")));
        Assert.Equal(5, Delta("jobs_pickup_latency_seconds_count"));
        Assert.Equal("histogram", after["jobs_pickup_latency_seconds"].Type);
        Assert.True(PrometheusText.Value(after, "jobs_journal_write_latency_seconds_count") > 0);
        Assert.Equal(1, PrometheusText.Value(after, "jobs_cluster_members", ("status", "up")));
        Assert.Contains(after.Keys, k => k == "jobs_queue_depth");
        Assert.Contains(after.Keys, k => k == "jobs_running");
        // the runtime's own meter: what the process's memory is made of
        Assert.True(PrometheusText.Value(after, "dotnet_process_memory_working_set_bytes") > 0);
        Assert.True(PrometheusText.Value(after, "dotnet_gc_heap_total_allocated_bytes_total") > 0);
        Assert.Contains(after.Keys, k => k == "dotnet_gc_last_collection_heap_size_bytes");
    }

    [Fact]
    public async Task Nodes_endpoint_and_actor_hierarchy_describe_this_node()
    {
        var id = (await Node.SubmitAsync(new { type = "noop" })).GetProperty("id").GetString()!;
        await Node.WaitForStatusAsync(id, "completed");
        var nodes = await Eventually.Until(async () => JsonDocument.Parse(await Node.Http.GetStringAsync("/api/nodes")).RootElement.GetProperty("nodes"),
            n => n.GetArrayLength() == 1 && n[0].GetProperty("processed").GetInt64() >= 1, TimeSpan.FromSeconds(20), "this node's heartbeat counts the job");
        var self = nodes[0];
        Assert.Equal(4, self.GetProperty("capacity").GetInt32());
        Assert.False(self.GetProperty("stale").GetBoolean());
        Assert.False(self.GetProperty("degraded").GetBoolean());
        Assert.Equal("up", self.GetProperty("status").GetString());
        Assert.True(self.GetProperty("memoryBytes").GetInt64() > 0);

        var (code, text, _) = await Jobctl(Node, "actor", "hierarchy", "--depth", "2");
        Assert.Equal(0, code);
        Assert.Contains("/user/capacity", text);
        Assert.Contains("/user/node-stats-view", text);
        Assert.Contains("/system/sharding", text);
        Assert.Equal(HttpStatusCode.BadRequest, (await Node.Http.GetAsync("/api/actors?depth=99")).StatusCode);
    }

    [Fact]
    public async Task Jobctl_submit_wait_prints_the_result_and_exits_by_the_outcome()
    {
        var (ok, text, _) = await Jobctl(Node, "jobs", "submit", "script", "--payload", """{"code":"6 * 7"}""", "--wait");
        Assert.Equal(0, ok);
        Assert.Contains("\"value\":42", text.Split('\n').Single(l => l.StartsWith("result:", StringComparison.Ordinal)));
        Assert.Contains("status:    completed", text);

        var (failed, _, err) = await Jobctl(Node, "jobs", "submit", "script", "--payload", """{"code":"throw new Error('nope')"}""", "--wait");
        Assert.Equal(1, failed);
        Assert.Contains("ended failed", err);

        var (missing, _, err404) = await Jobctl(Node, "jobs", "show", "01JXXXXXXXXXXXXXXXXXXXXXXX");
        Assert.Equal(1, missing);
        Assert.Contains("404", err404);

        var (json, jsonText, _) = await Jobctl(Node, "--json", "cluster", "show");
        Assert.Equal(0, json);
        Assert.Equal("up", JsonDocument.Parse(jsonText).RootElement.GetProperty("members")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_api_keys_management_needs_an_admin_key_and_nothing_changes_without_one()
    {
        const string admin = "admin-key-0123456789", reader = "read-key-0123456789ab", submitter = "submit-key-0123456789";
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-keys"), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{admin}:ops:admin;{reader}:acme:read;{submitter}:acme:submit",
        });
        Assert.DoesNotContain(admin, File.ReadAllText(Path.Combine(node.DataDir, "node.log")));

        async Task<HttpStatusCode> Call(HttpMethod method, string path, string? key, string? body = null) =>
            (await node.CallAsync(method, path, key, body)).Status;

        Assert.Equal(HttpStatusCode.Unauthorized, await Call(HttpMethod.Get, "/api/cluster", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(HttpMethod.Get, "/api/cluster", "wrong-key-0123456789"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(HttpMethod.Post, "/api/cluster/leave", null, "{}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Post, "/api/cluster/leave", reader, "{}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Post, "/api/cluster/down", submitter, "{}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Post, "/api/cluster/down-unreachable", reader));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Post, "/api/jobs", reader, """{"type":"noop"}"""));
        Assert.Equal(HttpStatusCode.Accepted, await Call(HttpMethod.Post, "/api/jobs", submitter, """{"type":"noop"}"""));
        Assert.Equal(HttpStatusCode.OK, await Call(HttpMethod.Get, "/metrics", null)); // scraping stays open

        // management reads too: they list members, shards and every tenant's running jobs and batches
        foreach (var path in new[] { "/api/cluster", "/api/cluster/sharding", "/api/nodes", "/api/actors" })
        {
            foreach (var key in new[] { reader, submitter })
            {
                var (status, problem, response) = await node.CallAsync(HttpMethod.Get, path, key);
                Assert.True(status == HttpStatusCode.Forbidden, $"GET {path} with a non-admin key: {status}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
                Assert.Contains("needs a key with role admin", problem.GetProperty("detail").GetString());
            }
            Assert.Equal(HttpStatusCode.OK, await Eventually.Until(() => Call(HttpMethod.Get, path, admin), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), $"GET {path} as admin"));
        }

        // nothing changed: the node is still an Up member and serves
        var (_, cluster, _) = await node.CallAsync(HttpMethod.Get, "/api/cluster", admin);
        Assert.Equal("up", cluster.GetProperty("members")[0].GetProperty("status").GetString());
        Assert.False(node.HasExited);

        var (code, _, err) = await Jobctl(node, "cluster", "show");
        Assert.Equal(1, code);
        Assert.Contains("401", err);
        var (adminCode, text, _) = await Jobctl(node, "--api-key", admin, "cluster", "show");
        Assert.Equal(0, adminCode);
        Assert.Contains("1 member(s)", text);
    }

    [Fact]
    public async Task A_bad_api_key_setting_stops_the_node_at_start_without_echoing_the_key()
    {
        var e = await NodeStartFailure.ExpectAsync("node-badkeys", output,
            new Dictionary<string, string> { ["JOBS_API_KEYS"] = "secret-secret-secret:acme:superuser" });
        Assert.Contains("JOBS_API_KEYS entry 1: role 'superuser' is invalid", e.Message);
        Assert.DoesNotContain("secret-secret-secret", e.Message);
    }

    [Fact]
    public async Task Without_keys_the_node_warns_that_loopback_is_admin_and_with_trust_off_it_does_not_start()
    {
        Assert.Contains("every loopback caller is admin of every tenant", Node.Log());
        Assert.Contains("reverse proxy on this host", Node.Log());

        var e = await NodeStartFailure.ExpectAsync("node-no-loopback-trust", output,
            new Dictionary<string, string> { ["JOBS_TRUST_LOOPBACK"] = "false" });
        Assert.Contains("JOBS_TRUST_LOOPBACK=false requires API keys: set JOBS_API_KEYS", e.Message);
    }

    [Fact]
    public async Task A_bad_database_compression_setting_stops_the_node_at_start()
    {
        var e = await NodeStartFailure.ExpectAsync("node-badcompression", output,
            new Dictionary<string, string> { ["JOBS_DB_COMPRESSION"] = "zstd" });
        Assert.Contains("JOBS_DB_COMPRESSION=zstd is invalid: expected lz4, pglz or default", e.Message);
    }

    [Fact]
    public async Task Over_the_memory_watermark_a_node_starts_nothing_reports_degraded_and_resumes_when_raised()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-memory"), output,
            new Dictionary<string, string> { ["JOBS_MEMORY_HIGH_MB"] = "1" }, waitReady: false);
        var ready = await Eventually.Until(async () =>
            {
                var r = await node.Http.GetAsync("/readyz");
                return (r.StatusCode, Body: await r.Content.ReadAsStringAsync());
            },
            r => r.StatusCode == HttpStatusCode.ServiceUnavailable && r.Body.Contains("degraded"), TimeSpan.FromSeconds(60), "readyz reports degraded");
        Assert.Contains("high-watermark 1 MiB", ready.Body);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await node.SubmitAsync(new { type = "noop" })).GetProperty("id").GetString()!);

        // the gate was degraded before these were accepted, so none can have started
        foreach (var id in ids)
            Assert.Equal("pending", (await node.GetJobAsync(id))!.Value.GetProperty("status").GetString());
        var nodes = await Eventually.Until(async () => JsonDocument.Parse(await node.Http.GetStringAsync("/api/nodes")).RootElement.GetProperty("nodes"),
            n => n.GetArrayLength() == 1, TimeSpan.FromSeconds(20), "a heartbeat");
        Assert.True(nodes[0].GetProperty("degraded").GetBoolean());
        Assert.Equal(1, PrometheusText.Value(await Metrics(node), "jobs_node_degraded"));

        var raised = await node.Http.PostAsync("/api/nodes/memory-guard", new StringContent("""{"highMb": 100000}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        foreach (var id in ids) await node.WaitForStatusAsync(id, "completed");
        await node.WaitReadyAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Http.PostAsync("/api/nodes/memory-guard",
            new StringContent("""{"highMb": 10, "lowMb": 20}""", Encoding.UTF8, "application/json"))).StatusCode);
    }
}

/// <summary>Structured logs: JSON lines, the job's id and attempt on a handler's log line.</summary>
[Collection(NodeCollection.Name)]
public sealed class StructuredLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_handlers_log_line_carries_the_job_id_and_attempt_as_json_scope()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-json-logs"), output,
            new Dictionary<string, string> { ["JOBS_LOG_FORMAT"] = "json" });
        var id = (await node.SubmitAsync(new { type = "log-line" })).GetProperty("id").GetString()!;
        await node.WaitForStatusAsync(id, "completed");

        var line = await Eventually.Until(() => Task.FromResult(File.ReadAllLines(Path.Combine(node.DataDir, "node.log"))
                .FirstOrDefault(l => l.Contains("hello from the handler of log-line", StringComparison.Ordinal))),
            l => l is not null, TimeSpan.FromSeconds(10), "the handler's log line");
        using var json = JsonDocument.Parse(line!);
        var scopes = json.RootElement.GetProperty("Scopes").EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("JobId", out var j) && j.GetString() == id);
        Assert.Contains(scopes, s => s.TryGetProperty("Attempt", out var a) && a.GetInt32() == 1);
        Assert.Equal("Jobs.Handlers.log-line", json.RootElement.GetProperty("Category").GetString());
        // Akka's own log events go through the same logger factory (JSON too)
        Assert.Contains(File.ReadAllLines(Path.Combine(node.DataDir, "node.log")),
            l => l.StartsWith('{') && l.Contains("\"Category\":\"Akka.", StringComparison.Ordinal));
    }
}
