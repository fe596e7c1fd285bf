using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Jobs.Tests.Support.FakeChatCompletions;

namespace Jobs.Tests.Node;

/// <summary>A node configured for an OpenAI-compatible provider by environment only (as for a LiteLLM proxy).</summary>
[Collection(NodeCollection.Name)]
public sealed class LlmNodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_429_with_retry_after_1_is_retried_no_sooner_than_1_s_later_and_then_completes()
    {
        await using var fake = await FakeChatCompletions.StartAsync();
        fake.Script("gpt-4o-mini", new Error(429, RetryAfter: "1"), new Answer("ok", PromptTokens: 1000, CompletionTokens: 100));
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-llm"), output, new Dictionary<string, string>
        {
            ["JOBS_LLM_BASE_URL"] = fake.BaseUrl.ToString(),
            ["JOBS_LLM_API_KEY"] = "sk-litellm-master-key",
            ["JOBS_LLM_PRICES"] = "gpt-4o-mini=0.15/0.6",
        });

        var id = (await node.SubmitAsync(new
        {
            type = "llm",
            backoff = new { initialMs = 10, jitter = 0.0 }, // the backoff alone would retry after 10 ms
            payload = new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } },
        })).GetProperty("id").GetString()!;
        var job = await node.WaitForStatusAsync(id, "completed");

        var times = fake.Requests.Select(r => r.At).ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(1), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms");
        var result = job.GetProperty("result");
        Assert.Equal(1100, result.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        Assert.Equal((1000 * 0.15m + 100 * 0.6m) / 1_000_000m, result.GetProperty("costUsd").GetDecimal());
        Assert.Contains(job.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "attempt-failed");
        Assert.DoesNotContain("sk-litellm-master-key", File.ReadAllText(Path.Combine(node.DataDir, "node.log")));
    }
}
