using System.Net;
using Jobs.Client;
using Jobs.Tests.Node;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Client;

/// <summary>Jobs.Client against a real node process: every call of the client, its errors, its registration, and a retry that does not duplicate.</summary>
[Collection(NodeCollection.Name)]
public sealed class JobsClientTests(NodeFixture fixture, ITestOutputHelper output) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private NodeProcess Node => fixture.Node;

    private JobsClient Client() => new(new JobsClientOptions { BaseAddress = Node.Http.BaseAddress });

    private static async Task<List<T>> All<T>(IAsyncEnumerable<T> items)
    {
        var all = new List<T>();
        await foreach (var item in items) all.Add(item);
        return all;
    }

    [Fact]
    public async Task A_submitted_job_is_read_back_and_waited_for_until_completed()
    {
        using var client = Client();

        var submitted = await client.SubmitAsync(new JobRequest("noop") { Priority = 5, Metadata = new { order = 42 } });
        var read = await client.GetAsync(submitted.Id);
        var done = await client.WaitAsync(submitted.Id).WaitAsync(Deadline);

        Assert.NotNull(read);
        Assert.Equal(submitted.Id, read.Id);
        Assert.Equal(5, read.Priority);
        Assert.Equal(42, read.Metadata!.Value.GetProperty("order").GetInt32());
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(["accepted", "started", "completed"], done.History.Select(h => h.Event));
        Assert.Equal(done.Id, done.Json.GetProperty("id").GetString());
        Assert.Null(await client.GetAsync("01JXXXXXXXXXXXXXXXXXXXXXXX"));
    }

    [Fact]
    public async Task Submitting_the_same_idempotency_key_again_answers_the_stored_job()
    {
        using var client = Client();

        var first = await client.SubmitAsync(new JobRequest("noop") { IdempotencyKey = "client-same-key" });
        var again = await client.SubmitAsync(new JobRequest("noop") { IdempotencyKey = "client-same-key" });

        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public async Task ListAsync_follows_the_cursor_across_pages()
    {
        using var client = Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await client.SubmitAsync(new JobRequest("noop") { Tenant = "client-list" })).Id);

        var filter = new JobFilter { Tenant = "client-list", PageSize = 2 };
        var listed = await Eventually.Until(async () => (await All(client.ListAsync(filter))).Select(j => j.Id).ToList(),
            l => l.Count >= ids.Count, Deadline, "the read model to list the 5 jobs");

        Assert.Equal(ids.Order(), listed.Order());
        Assert.Equal(ids.AsEnumerable().Reverse(), listed); // newest first
    }

    [Fact]
    public async Task CancelAsync_cancels_a_job_and_a_finished_one_is_a_conflict_problem()
    {
        using var client = Client();
        var job = await client.SubmitAsync(new JobRequest("noop") { RunAt = DateTimeOffset.UtcNow.AddHours(1) });

        var cancelled = await client.CancelAsync(job.Id);
        var e = await Assert.ThrowsAsync<JobsApiException>(() => client.CancelAsync(job.Id));

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(JobStatus.Cancelled, (await client.WaitAsync(job.Id).WaitAsync(Deadline)).Status);
        Assert.Equal(HttpStatusCode.Conflict, e.Status);
        Assert.False(string.IsNullOrEmpty(e.Detail));
    }

    [Fact]
    public async Task WatchAsync_streams_the_job_s_events_and_ends_after_the_terminal_one()
    {
        using var client = Client();
        var job = await client.SubmitAsync(new JobRequest("script") { Payload = new { code = "progress(50, 'half'); 6 * 7" } });

        var events = await All(client.WatchAsync(job.Id)).WaitAsync(Deadline);

        Assert.Equal("accepted", events[0].Event);
        Assert.Equal("completed", events[^1].Event);
        Assert.Equal(JobStatus.Completed, events[^1].Status);
        Assert.All(events, e => Assert.Equal(job.Id, e.JobId));
        Assert.All(events, e => Assert.Contains(e.Event, e.Json));
        var done = await client.GetAsync(job.Id);
        Assert.Equal(42, done!.Result!.Value.GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task A_refused_request_throws_the_problem_with_its_detail_and_field()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new JobRequest("noop") { Priority = 500 }));
        var missing = await Assert.ThrowsAsync<JobsApiException>(() => All(client.WatchAsync("no-such-job")));

        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("priority", e.Field);
        Assert.Contains("priority", e.Detail);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task SubmitBatchAsync_posted_twice_with_one_id_stores_the_jobs_once()
    {
        using var client = Client();
        JobRequest[] jobs = [new("noop"), new("noop") { Priority = 1 }];

        var first = await client.SubmitBatchAsync(jobs, "client-batch");
        var again = await client.SubmitBatchAsync(jobs, "client-batch");
        var made = await client.SubmitBatchAsync(jobs);

        Assert.Equal(2, first.Total);
        Assert.Equal(first.JobIds, again.JobIds);
        Assert.StartsWith("batch-", made.Id);
        Assert.Equal(2, (await client.GetBatchAsync("client-batch"))!.Total);
        Assert.Null(await client.GetBatchAsync("no-such-batch"));
    }

    [Fact]
    public async Task AddJobsClient_registers_a_typed_client_from_the_HttpClientFactory()
    {
        var services = new ServiceCollection();
        services.AddJobsClient(o => o.BaseAddress = Node.Http.BaseAddress);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<JobsClient>();
        var job = await client.SubmitAsync(new JobRequest("noop"));

        Assert.Equal(JobStatus.Completed, (await client.WaitAsync(job.Id).WaitAsync(Deadline)).Status);
    }

    [Fact]
    public async Task A_retry_after_a_dropped_connection_does_not_duplicate_the_job()
    {
        await using var proxy = new DroppingProxy(Node.Http.BaseAddress!);
        using var client = new JobsClient(new JobsClientOptions { BaseAddress = proxy.Address });
        var before = await Node.MetricAsync("jobs_submitted_total");

        var job = await client.SubmitAsync(new JobRequest("noop") { Tenant = "client-proxy" });

        output.WriteLine($"submissions through the proxy: {proxy.Submissions}, answers dropped: {proxy.Dropped}");
        Assert.Equal(1, proxy.Dropped);
        Assert.Equal(2, proxy.Submissions); // the lost one and its retry
        Assert.Equal(1, await Node.MetricAsync("jobs_submitted_total") - before);
        var listed = await Eventually.Until(async () => await All(client.ListAsync(new JobFilter { Tenant = "client-proxy" })),
            l => l.Any(j => j.Id == job.Id && j.IsTerminal), Deadline, $"the read model to list job {job.Id} as ended");
        Assert.Equal([job.Id], listed.Select(j => j.Id));
        Assert.Single(listed[0].History, h => h.Event == "accepted");
    }
}
