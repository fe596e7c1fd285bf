using System.Net;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// A paused queue accepts jobs and starts none, on every node, across a kill -9 and a restart, until
/// it is resumed. "Starts none" is witnessed by a job of another queue, submitted after the paused
/// one, that runs to completion while the paused one stays pending.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class QueuePauseTests(ITestOutputHelper output)
{
    internal static readonly Dictionary<string, string> Env = new() { ["JOBS_QUEUES"] = "other" };

    [Fact]
    public async Task A_paused_queue_starts_nothing_stays_paused_across_a_kill_9_and_a_restart_and_runs_its_jobs_on_resume()
    {
        var dataDir = TestPaths.NewTempDir("queue-pause");
        string held;
        await using (var node = await NodeProcess.StartAsync(dataDir, output, Env))
        {
            var paused = await Call(node, HttpMethod.Post, "/api/queues/default/pause", HttpStatusCode.OK);
            Assert.True(paused.GetProperty("paused").GetBoolean());
            Assert.Single(paused.GetProperty("confirmedBy").EnumerateArray());

            held = (await node.SubmitAsync(new { type = "noop" })).GetProperty("id").GetString()!;
            await Witness(node);
            Assert.Equal("pending", await StatusOf(node, held));
            var queues = await Call(node, HttpMethod.Get, "/api/queues", HttpStatusCode.OK);
            var @default = queues.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == "default");
            Assert.True(@default.GetProperty("paused").GetBoolean());
            node.Kill();
        }

        await using var restarted = await NodeProcess.StartAsync(dataDir, output, Env);
        await Witness(restarted);
        Assert.Equal("pending", await StatusOf(restarted, held));

        var resumed = await Call(restarted, HttpMethod.Post, "/api/queues/default/resume", HttpStatusCode.OK);
        Assert.False(resumed.GetProperty("paused").GetBoolean());
        await restarted.WaitForStatusAsync(held, "completed", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Pausing_a_queue_that_does_not_exist_is_404_and_changes_nothing_and_jobctl_pauses_and_resumes()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("queue-pause-404"), output, Env);

        var problem = await Call(node, HttpMethod.Post, "/api/queues/nope/pause", HttpStatusCode.NotFound);

        Assert.Contains("nope", problem.GetProperty("detail").GetString());
        var queues = await Call(node, HttpMethod.Get, "/api/queues", HttpStatusCode.OK);
        Assert.Equal(["default", "other"], queues.GetProperty("items").EnumerateArray().Select(q => q.GetProperty("queue").GetString()));
        Assert.All(queues.GetProperty("items").EnumerateArray(), q => Assert.False(q.GetProperty("paused").GetBoolean()));
        Assert.Equal(0, queues.GetProperty("version").GetInt64());

        Task<(int Code, string Out, string Err)> Jobctl(params string[] args) => JobctlRunner.RunAsync(node, output, args);
        var (code, text, err) = await Jobctl("queues", "pause", "other");
        Assert.True(code == 0, err);
        Assert.Contains("queue other: paused (version 1)", text);
        (code, text, _) = await Jobctl("queues", "list");
        Assert.Equal(0, code);
        Assert.Matches(@"other\s*\|\s*0\s*\|\s*0\s*\|\s*yes", text);
        (code, text, _) = await Jobctl("--json", "queues", "resume", "other");
        Assert.Equal(0, code);
        Assert.False(JsonDocument.Parse(text).RootElement.GetProperty("paused").GetBoolean());
        (code, _, err) = await Jobctl("queues", "pause", "nope");
        Assert.NotEqual(0, code);
        Assert.Contains("no queue 'nope'", err);
    }

    /// <summary>A job of the queue that is not paused, submitted now, completes: the node is starting jobs.</summary>
    internal static async Task Witness(NodeProcess node)
    {
        var id = (await node.SubmitAsync(new { type = "noop", queue = "other" })).GetProperty("id").GetString()!;
        await node.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(30));
    }

    internal static async Task<string?> StatusOf(NodeProcess node, string id) =>
        (await node.GetJobAsync(id))?.GetProperty("status").GetString();

    internal static async Task<JsonElement> Call(NodeProcess node, HttpMethod method, string path, HttpStatusCode expected)
    {
        var (status, body, _) = await node.CallAsync(method, path, null);
        Assert.True(status == expected, $"{method} {path}: {status} {body}");
        return body;
    }
}
