using System.Text.Json;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>Result reuse (<c>dedupe</c>) on a real node, counted by the real HTTP server the jobs call.</summary>
[Collection(NodeCollection.Name)]
public sealed class DedupeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Identical_dedupe_jobs_submitted_together_run_the_handler_once_and_share_the_result()
    {
        var calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the upstream answers once the test lets it
            await http.Response.WriteAsync($"answer #{n}");
        });
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-dedupe"), output,
            new Dictionary<string, string> { ["JOBS_HTTP_ALLOWED_HOSTS"] = $"127.0.0.1:{server.BaseAddress.Port}" });
        object Job(bool dedupe, string path = "/report") => new
        {
            type = "http",
            dedupe,
            payload = new { method = "GET", url = new Uri(server.BaseAddress, path).ToString() },
        };

        var twins = (await Task.WhenAll(node.SubmitAsync(Job(true)), node.SubmitAsync(Job(true)))).Select(t => t.GetProperty("id").GetString()!).ToList();
        // both attempts are running at once: one calls the upstream (held), the other waits on the claim
        await Eventually.Until(async () => await Task.WhenAll(twins.Select(node.GetJobAsync)),
            jobs => jobs.All(j => j!.Value.GetProperty("status").GetString() == "running"), TimeSpan.FromSeconds(30), "both twins running");
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref calls)), c => c >= 1, TimeSpan.FromSeconds(30), "the claimant's call reached the upstream");
        Assert.Equal(1, Volatile.Read(ref calls)); // the twin is waiting on the claim, not calling
        release.SetResult();
        var done = await Task.WhenAll(twins.Select(id => node.WaitForStatusAsync(id, "completed")));

        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.All(done, d => Assert.Equal("answer #1", d.GetProperty("result").GetProperty("body").GetString()));
        var reused = done.Where(d => Completed(d).Contains("reused from job", StringComparison.Ordinal)).ToList();
        Assert.Single(reused);
        Assert.Contains(done.Single(d => !reused.Contains(d)).GetProperty("id").GetString()!, Completed(reused[0]));

        // later, an identical one reuses it too; without dedupe, or with another payload, the handler runs
        var later = await node.WaitForStatusAsync((await node.SubmitAsync(Job(true))).GetProperty("id").GetString()!, "completed");
        Assert.Contains("reused from job", Completed(later));
        Assert.Equal(1, Volatile.Read(ref calls));
        await node.WaitForStatusAsync((await node.SubmitAsync(Job(false))).GetProperty("id").GetString()!, "completed");
        await node.WaitForStatusAsync((await node.SubmitAsync(Job(true, "/other"))).GetProperty("id").GetString()!, "completed");
        Assert.Equal(3, Volatile.Read(ref calls));
    }

    private static string Completed(JsonElement job) =>
        job.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("event").GetString() == "completed")
            .GetProperty("detail").GetString() ?? "";
}
