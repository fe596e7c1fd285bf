using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

[Collection(NodeCollection.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Env = new() { ["JOBS_CAPACITY"] = "4" };

    [Fact]
    public async Task Sigkill_mid_run_loses_nothing_and_leaves_nothing_running_after_restart()
    {
        var dataDir = TestPaths.NewTempDir("crash");
        var expected = new Dictionary<string, string>();
        // Two jobs whose upstream answers only after the restart: whatever this machine's speed, they are running at the kill.
        await using var upstream = await HeldUpstream.StartAsync();
        var env = new Dictionary<string, string>(Env.Concat(upstream.NodeEnv));
        var held = new List<string>();
        await using (var node = await NodeProcess.StartAsync(dataDir, output, env))
        {
            for (var i = 0; i < 2; i++)
            {
                var job = await node.SubmitAsync(upstream.Job($"/held/{i}", priority: 10));
                held.Add(job.GetProperty("id").GetString()!);
                expected[held[^1]] = "completed";
            }
            foreach (var id in held) await node.WaitForStatusAsync(id, "running");
            var submissions = Enumerable.Range(0, 200).Select(async i =>
            {
                // Every 20th job has a syntax error (permanent → failed); the others sleep then complete.
                var code = i % 20 == 0 ? "console.log(" : $"sleep(100); {i}";
                var job = await node.SubmitAsync(new { type = "script", payload = new { code }, backoff = new { initialMs = 100 } });
                lock (expected) expected[job.GetProperty("id").GetString()!] = i % 20 == 0 ? "failed" : "completed";
            });
            await Task.WhenAll(submissions);

            await Eventually.Until(() => Count(node, "completed"), n => n >= 40, TimeSpan.FromSeconds(60), "40 completed before the kill");
            var running = await Count(node, "running");
            node.Kill();
            output.WriteLine($"killed with {running} running (read model view)");
        }

        await using var restarted = await NodeProcess.StartAsync(dataDir, output, env);
        upstream.Release();
        var finals = await Eventually.Until(async () =>
        {
            var jobs = await Task.WhenAll(expected.Keys.Select(async id => (await restarted.GetJobAsync(id))!.Value));
            return jobs;
        }, jobs => jobs.All(j => j.GetProperty("status").GetString() is "completed" or "failed"), TimeSpan.FromSeconds(120),
            "all 202 jobs terminal after the restart");

        Assert.Equal(202, finals.Length);
        foreach (var job in finals)
            Assert.Equal(expected[job.GetProperty("id").GetString()!], job.GetProperty("status").GetString());
        var rerun = finals.Count(j => TestCluster.Starts(j) > 1
                                      && j.GetProperty("status").GetString() == "completed");
        static bool WasInterrupted(JsonElement job) =>
            job.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("detail").GetString()?.Contains("interrupted") == true);
        var interrupted = finals.Count(WasInterrupted);
        output.WriteLine($"after restart: {finals.Count(j => j.GetProperty("status").GetString() == "completed")} completed, " +
                         $"{finals.Count(j => j.GetProperty("status").GetString() == "failed")} failed, {interrupted} interrupted by the kill and re-run ({rerun} completed on a later attempt)");
        Assert.True(interrupted > 0, "the kill interrupted no running attempt; the test did not exercise recovery of running jobs");
        Assert.All(finals.Where(j => held.Contains(j.GetProperty("id").GetString()!)), j => Assert.True(WasInterrupted(j), $"held job {j.GetProperty("id")} was not interrupted by the kill"));
    }

    [Fact]
    public async Task Poison_job_that_kills_its_node_every_attempt_ends_failed_after_max_attempts_restarts()
    {
        var dataDir = TestPaths.NewTempDir("poison");
        string id;
        var restarts = 0;
        await using (var node = await NodeProcess.StartAsync(dataDir, output, Env))
        {
            // The job may kill the node before the 202 is written, so name it by an idempotency key.
            var key = "poison-" + Guid.NewGuid();
            id = Jobs.Messages.JobIds.ForIdempotencyKey("default", key);
            try
            {
                await node.SubmitAsync(new { type = "kill-process", maxAttempts = 3, backoff = new { initialMs = 50 }, idempotencyKey = key });
            }
            catch (HttpRequestException)
            {
                // the node died while answering; the job is durable (journaled before it started)
            }
            Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the poison job did not kill the node");
        }

        JsonElement? final = null;
        while (final is null)
        {
            Assert.True(restarts < 6, $"still not failed after {restarts} restarts");
            restarts++;
            await using var node = await NodeProcess.StartAsync(dataDir, output, Env, waitReady: false);
            var exited = node.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var failed = WaitForFailed(node, id);
            if (await Task.WhenAny(exited, failed) == failed && await failed is { } f) final = f;
            else Assert.True(await exited, "node neither died nor failed the job within 60 s");
        }

        output.WriteLine($"failed after {restarts} restarts");
        Assert.Equal(3, restarts); // attempts 2 and 3 each killed a restarted node; the 4th start dead-letters
        Assert.Equal(3, final.Value.GetProperty("attempts").GetInt32());
        var history = final.Value.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(3, history.Count(h => h.GetProperty("event").GetString() == "started"));
        Assert.Equal(3, history.Count(h => h.GetProperty("event").GetString() == "attempt-failed" && h.GetProperty("detail").GetString()!.Contains("interrupted")));
    }

    /// <summary>The job once it is failed, or null if the node died first.</summary>
    private static async Task<JsonElement?> WaitForFailed(NodeProcess node, string id)
    {
        async Task<JsonElement?> Probe()
        {
            try
            {
                return await node.GetJobAsync(id);
            }
            catch (HttpRequestException)
            {
                return null; // not listening yet, or just died
            }
        }

        var last = await Eventually.Until(Probe, j => node.HasExited || j?.GetProperty("status").GetString() == "failed",
            TimeSpan.FromSeconds(90), $"job {id} failed or its node dead");
        return node.HasExited && last?.GetProperty("status").GetString() != "failed" ? null : last;
    }

    private static async Task<int> Count(NodeProcess node, string status)
    {
        using var doc = JsonDocument.Parse(await node.Http.GetStringAsync($"/api/jobs?status={status}&limit=1000"));
        return doc.RootElement.GetProperty("items").GetArrayLength();
    }
}
