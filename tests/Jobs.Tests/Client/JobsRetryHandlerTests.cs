using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Jobs.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Jobs.Tests.Client;

/// <summary>
/// The client's retries against a loopback HTTP server that answers from a script: busy and
/// over-limit answers with their Retry-After, then the job. What is checked is what was sent (how
/// many times, with which idempotency key and API key), never how long it took.
/// </summary>
public sealed class JobsRetryHandlerTests
{
    private const string JobJson = """{"id":"k-1","type":"noop","queue":"default","priority":0,"status":"pending","attempts":0,"maxAttempts":3,"progress":null,"result":null,"error":null,"createdAt":"2026-12-05T10:00:00+00:00","startedAt":null,"completedAt":null,"runAt":null,"node":null,"batchId":null,"tenant":"default","metadata":null,"history":[]}""";

    [Fact]
    public async Task Busy_and_over_limit_answers_are_sent_again_with_the_same_idempotency_key()
    {
        await using var server = await ScriptedServer.StartAsync(
            Answer.Problem(503, "Busy", retryAfter: "0"),
            Answer.Problem(429, "Too many streams", retryAfter: DateTimeOffset.UtcNow.AddMinutes(-1).ToString("R")), // a date already past: at once
            Answer.Problem(503, "Busy", retryAfter: "1"),
            new Answer(202, JobJson, null));
        using var client = new JobsClient(new JobsClientOptions { BaseAddress = server.Address, ApiKey = "client-test-key-0123456789" });

        var job = await client.SubmitAsync(new JobRequest("noop"));

        Assert.Equal("k-1", job.Id);
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.Equal(4, server.Requests.Count);
        var keys = server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("idempotencyKey").GetString()).Distinct().ToList();
        Assert.Single(keys);
        Assert.False(string.IsNullOrEmpty(keys[0]));
        Assert.All(server.Requests, r => Assert.Equal("Bearer client-test-key-0123456789", r.Authorization));
    }

    [Fact]
    public async Task A_caller_s_own_idempotency_key_is_the_one_sent_on_every_attempt()
    {
        await using var server = await ScriptedServer.StartAsync(Answer.Problem(503, "Busy", retryAfter: "0"), new Answer(200, JobJson, null));
        using var client = new JobsClient(new JobsClientOptions { BaseAddress = server.Address });

        await client.SubmitAsync(new JobRequest("noop") { IdempotencyKey = "order-42" });

        Assert.Equal(["order-42", "order-42"], server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("idempotencyKey").GetString()));
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_cap_is_not_waited_for_and_the_problem_is_thrown()
    {
        await using var server = await ScriptedServer.StartAsync(Answer.Problem(429, "tenant 'acme' is over its daily jobsPerDay", retryAfter: "27528"), new Answer(202, JobJson, null));
        using var client = new JobsClient(new JobsClientOptions { BaseAddress = server.Address });

        var e = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new JobRequest("noop")));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.Status);
        Assert.Equal("tenant 'acme' is over its daily jobsPerDay", e.Detail);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Sends_stop_after_MaxAttempts_with_the_last_answer_thrown()
    {
        await using var server = await ScriptedServer.StartAsync(Enumerable.Repeat(Answer.Problem(503, "the node is saturated", retryAfter: "0"), 5).ToArray());
        using var client = new JobsClient(new JobsClientOptions { BaseAddress = server.Address, MaxAttempts = 3 });

        var e = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new JobRequest("noop")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.Equal(3, server.Requests.Count);
    }

    private sealed record Answer(int Status, string Body, string? RetryAfter)
    {
        public static Answer Problem(int status, string detail, string retryAfter) =>
            new(status, JsonSerializer.Serialize(new { type = "about:blank", title = "Busy", status, detail }), retryAfter);
    }

    private sealed record Received(string Body, string? Authorization);

    /// <summary>Kestrel on a free loopback port: POST /api/jobs answers the scripted answers in order.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Answer> _answers;

        private ScriptedServer(WebApplication app, IEnumerable<Answer> answers)
        {
            _app = app;
            _answers = new ConcurrentQueue<Answer>(answers);
        }

        public ConcurrentQueue<Received> Requests { get; } = new();

        public Uri Address => new(_app.Urls.First());

        public static async Task<ScriptedServer> StartAsync(params Answer[] answers)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new ScriptedServer(app, answers);
            app.MapPost("/api/jobs", server.Handle);
            await app.StartAsync();
            return server;
        }

        private async Task Handle(HttpContext http)
        {
            using var reader = new StreamReader(http.Request.Body);
            Requests.Enqueue(new Received(await reader.ReadToEndAsync(), http.Request.Headers.Authorization.FirstOrDefault()));
            var answer = _answers.TryDequeue(out var next) ? next : throw new InvalidOperationException("more requests than scripted answers");
            http.Response.StatusCode = answer.Status;
            http.Response.ContentType = answer.Status >= 400 ? "application/problem+json" : "application/json";
            if (answer.RetryAfter is { } after) http.Response.Headers.RetryAfter = after;
            await http.Response.WriteAsync(answer.Body);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
