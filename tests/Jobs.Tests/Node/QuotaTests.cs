using System.Net;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Jobs.Tests.Support.FakeChatCompletions;

namespace Jobs.Tests.Node;

/// <summary>Usage per tenant and day (jobs, tokens, cost) and daily quotas, on a real node.</summary>
[Collection(NodeCollection.Name)]
public sealed class QuotaTests(ITestOutputHelper output)
{
    private const string Acme = "acme-submit-key-000001", Ops = "ops-admin-key-000000001";

    [Fact]
    public async Task Over_its_daily_job_quota_a_tenant_gets_429_with_limit_and_reset_and_nothing_is_stored()
    {
        await using var fake = await FakeChatCompletions.StartAsync();
        fake.Script("m", new Answer("hi", PromptTokens: 40, CompletionTokens: 2));
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-quota"), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{Acme}:acme:submit;{Ops}:ops:admin",
            ["JOBS_QUOTAS"] = "acme=jobs:3",
            ["JOBS_LLM_BASE_URL"] = fake.BaseUrl.ToString(),
            ["JOBS_LLM_PRICES"] = "m=1000/1000",
        });
        Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Call(HttpMethod method, string path, string key, string? body = null) =>
            node.CallAsync(method, path, key, body);

        var llm = await Call(HttpMethod.Post, "/api/jobs", Acme, """{"type":"llm","payload":{"model":"m","messages":[{"role":"user","content":"hi"}]}}""");
        Assert.Equal(HttpStatusCode.Accepted, llm.Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Call(HttpMethod.Post, "/api/jobs", Acme, """{"type":"noop","idempotencyKey":"k1"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Post, "/api/jobs", Acme, """{"type":"noop","idempotencyKey":"k1"}""")).Status); // same job: not counted
        Assert.Equal(HttpStatusCode.Accepted, (await Call(HttpMethod.Post, "/api/jobs", Acme, """{"type":"noop"}""")).Status);

        var midnightBefore = DateTime.UtcNow.Date.AddDays(1);
        var (status, problem, response) = await Call(HttpMethod.Post, "/api/jobs", Acme, """{"type":"noop"}""");
        var midnightAfter = DateTime.UtcNow.Date.AddDays(1); // the same unless the call straddled midnight UTC
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("jobsPerDay", problem.GetProperty("limit").GetString());
        Assert.Equal(3, problem.GetProperty("allowed").GetInt64());
        Assert.Equal(3, problem.GetProperty("used").GetInt64());
        Assert.Contains(problem.GetProperty("resetsAt").GetDateTimeOffset().UtcDateTime, new[] { midnightBefore, midnightAfter });
        Assert.True(response.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Call(HttpMethod.Post, "/api/batches", Acme, """{"jobs":[{"type":"noop"}]}""")).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Call(HttpMethod.Post, "/api/jobs", Ops, """{"type":"noop"}""")).Status); // other tenants are not limited

        // nothing was stored for the refused ones: acme has exactly its 3 jobs
        await Eventually.Until(async () => (await Call(HttpMethod.Get, "/api/jobs/" + llm.Body.GetProperty("id").GetString(), Acme)).Body.GetProperty("status").GetString(),
            st => st == "completed", TimeSpan.FromSeconds(30), "the llm job completed");
        var listed = await Eventually.Until(async () => (await Call(HttpMethod.Get, "/api/jobs?tenant=acme", Ops)).Body.GetProperty("items").GetArrayLength(),
            n => n >= 3, TimeSpan.FromSeconds(20), "acme's jobs in the read model");
        Assert.Equal(3, listed);

        // usage: 3 jobs, the llm job's tokens and cost (counted when it completed)
        var usage = await Eventually.Until(async () => (await Call(HttpMethod.Get, "/api/usage", Acme)).Body,
            u => u.GetProperty("total").GetProperty("promptTokens").GetInt64() == 40, TimeSpan.FromSeconds(20), "acme's tokens counted");
        Assert.Equal("acme", usage.GetProperty("tenant").GetString());
        Assert.Equal(3, usage.GetProperty("total").GetProperty("jobs").GetInt64());
        Assert.Equal(2, usage.GetProperty("total").GetProperty("completionTokens").GetInt64());
        Assert.Equal(42 * 1000 / 1_000_000m, usage.GetProperty("total").GetProperty("costUsd").GetDecimal());
        Assert.Equal(3, usage.GetProperty("limits").GetProperty("jobsPerDay").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Get, "/api/usage?tenant=ops", Acme)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Get, "/api/usage?from=2026-13-01", Acme)).Status);
    }
}
