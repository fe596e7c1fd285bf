using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>The engine caps what any handler returns or reports — result, error, history, log — not each handler on its own.</summary>
public sealed class OutputCapsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_result_over_the_cap_fails_the_job_permanently_and_is_stored_nowhere()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("caps-result"), output);
        var id = (await node.SubmitAsync(new { type = "big-result", payload = new { chars = 2 * 1024 * 1024 } })).GetProperty("id").GetString()!;
        var job = await node.WaitForStatusAsync(id, "failed");
        Assert.Equal("permanent", job.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal($"the result is {2 * 1024 * 1024 + 2} bytes of JSON; the limit is 1048576", job.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32()); // permanent: not retried
        Assert.True((await node.Http.GetStringAsync($"/api/jobs/{id}")).Length < 64 * 1024);
    }

    [Fact]
    public async Task An_error_message_is_cut_to_the_cap_in_the_job_its_history_and_the_log()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("caps-error"), output);
        const int chars = 10 * 1024 * 1024;
        var id = (await node.SubmitAsync(new { type = "loud-failure", payload = new { chars } })).GetProperty("id").GetString()!;
        var job = await node.WaitForStatusAsync(id, "failed");
        var message = job.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Equal(new string('e', 8192) + $"… ({chars - 8192} more characters)", message);
        foreach (var entry in job.GetProperty("history").EnumerateArray())
            Assert.True((entry.TryGetProperty("detail", out var d) ? d.GetString()?.Length ?? 0 : 0) < 9 * 1024, $"history detail of {entry.GetProperty("event")} is over the cap");
        Assert.True((await node.Http.GetStringAsync($"/api/jobs/{id}")).Length < 64 * 1024);
        Assert.DoesNotContain(node.Tail().Split('\n'), line => line.Length > 16 * 1024);
    }
}
