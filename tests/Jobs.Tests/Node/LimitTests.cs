using System.Net;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Jobs.Tests.Node.QueuePauseTests;

namespace Jobs.Tests.Node;

/// <summary>Limits per key on one node: a concurrency never exceeded, a rate that spreads starts, a waiting job holds no slot.</summary>
[Collection(NodeCollection.Name)]
public sealed class LimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_waiting_for_its_limit_holds_no_slot_and_the_limit_is_never_exceeded()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("limits"), output, new Dictionary<string, string> { ["JOBS_CAPACITY"] = "2" });
        await Put(node, "solo", """{"concurrency":1}""");

        var holder = await Submit(node, new { type = "noop", limitKey = "solo", payload = new { delayMs = 600_000 } });
        await node.WaitForStatusAsync(holder, "running", TimeSpan.FromSeconds(30));
        var waiting = await Submit(node, new { type = "noop", limitKey = "solo" });
        // capacity 2: one slot runs the holder; the job waiting for "solo" must not take the other
        var free = await Submit(node, new { type = "noop" });
        await node.WaitForStatusAsync(free, "completed", TimeSpan.FromSeconds(30));
        Assert.Equal("pending", (await node.GetJobAsync(waiting))!.Value.GetProperty("status").GetString());
        var metrics = PrometheusText.Parse(await node.Http.GetStringAsync("/metrics"));
        Assert.Equal(1, PrometheusText.Value(metrics, "jobs_limit_waiting", ("key", "solo")));
        var limits = await Call(node, HttpMethod.Get, "/api/limits", HttpStatusCode.OK);
        var solo = Assert.Single(limits.GetProperty("items").EnumerateArray());
        Assert.Equal(1, solo.GetProperty("held").GetInt32());
        Assert.Equal(1, solo.GetProperty("concurrency").GetInt32());

        await Call(node, HttpMethod.Post, $"/api/jobs/{holder}/cancel", HttpStatusCode.Accepted);
        await node.WaitForStatusAsync(waiting, "completed", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_rate_of_2_per_second_spreads_10_jobs_over_at_least_4_seconds_and_a_deleted_limit_frees_the_key()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("limits-rate"), output);
        await Put(node, "slow", """{"ratePerSecond":2,"burst":1}""");

        var ids = new List<string>();
        for (var i = 0; i < 10; i++) ids.Add(await Submit(node, new { type = "noop", limitKey = "slow" }));
        var jobs = new List<JsonElement>();
        foreach (var id in ids) jobs.Add(await node.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(60)));

        var starts = jobs.Select(j => j.GetProperty("startedAt").GetDateTimeOffset()).Order().ToArray();
        output.WriteLine(string.Join(", ", starts.Select(s => s.ToString("HH:mm:ss.fff"))));
        Assert.True(starts[^1] - starts[0] >= TimeSpan.FromSeconds(4), $"10 starts within {(starts[^1] - starts[0]).TotalSeconds:0.00} s at 2 per second");

        var (status, _, _) = await node.CallAsync(HttpMethod.Delete, "/api/limits/slow", null);
        Assert.Equal(HttpStatusCode.NoContent, status);
        await Call(node, HttpMethod.Get, "/api/limits/slow", HttpStatusCode.NotFound);
        Assert.Empty((await Call(node, HttpMethod.Get, "/api/limits", HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        Task<(int Code, string Out, string Err)> Jobctl(params string[] args) => JobctlRunner.RunAsync(node, output, args);
        var (code, text, err) = await Jobctl("limits", "set", "openai", "--concurrency", "4", "--tokens-per-minute", "90000");
        Assert.True(code == 0, err);
        Assert.Contains("limit openai set: concurrency 4, tokensPerMinute 90000", text);
        (code, text, _) = await Jobctl("limits", "list");
        Assert.Equal(0, code);
        Assert.Matches(@"openai\s*\|\s*4\s*\|\s*-\s*\|\s*-\s*\|\s*90000", text);
        (code, text, _) = await Jobctl("limits", "delete", "openai");
        Assert.Equal(0, code);
        Assert.Contains("limit openai deleted", text);
        (code, _, err) = await Jobctl("limits", "set", "openai");
        Assert.NotEqual(0, code);
        Assert.Contains("at least one of", err);
    }

    [Fact]
    public async Task A_queue_s_limits_hold_its_jobs_that_name_no_key_of_their_own()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("limits-queue"), output);
        var (status, view, _) = await node.CallAsync(HttpMethod.Put, "/api/queues/default/limits", null, """{"concurrency":1}""");
        Assert.True(status == HttpStatusCode.OK, $"{status} {view}");
        Assert.Equal("queue:default", view.GetProperty("key").GetString());

        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add(await Submit(node, new { type = "noop", payload = new { delayMs = 200 } }));
        var jobs = new List<JsonElement>();
        foreach (var id in ids) jobs.Add(await node.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(60)));
        var spans = jobs.Select(j => (Start: j.GetProperty("startedAt").GetDateTimeOffset(), End: j.GetProperty("completedAt").GetDateTimeOffset()))
            .OrderBy(s => s.Start).ToArray();
        for (var i = 1; i < spans.Length; i++) Assert.True(spans[i].Start >= spans[i - 1].End, $"job {i} overlapped job {i - 1}");

        var queues = await Call(node, HttpMethod.Get, "/api/queues", HttpStatusCode.OK);
        var @default = queues.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == "default");
        Assert.Equal(1, @default.GetProperty("limits").GetProperty("concurrency").GetInt32());
        (status, _, _) = await node.CallAsync(HttpMethod.Delete, "/api/queues/default/limits", null);
        Assert.Equal(HttpStatusCode.NoContent, status);
        queues = await Call(node, HttpMethod.Get, "/api/queues", HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, queues.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == "default")
            .GetProperty("limits").ValueKind);
        await Call(node, HttpMethod.Delete, "/api/queues/nope/limits", HttpStatusCode.NotFound);
    }

    internal static async Task Put(NodeProcess node, string key, string body)
    {
        var (status, view, _) = await node.CallAsync(HttpMethod.Put, "/api/limits/" + key, null, body);
        Assert.True(status == HttpStatusCode.OK, $"{status} {view}");
        Assert.Equal(key, view.GetProperty("key").GetString());
    }

    internal static async Task<string> Submit(NodeProcess node, object job) => (await node.SubmitAsync(job)).GetProperty("id").GetString()!;
}
