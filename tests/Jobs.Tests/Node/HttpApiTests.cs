using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

[Collection(NodeCollection.Name)]
public sealed class HttpApiTests(NodeFixture fixture, ITestOutputHelper output) : IClassFixture<NodeFixture>
{
    private NodeProcess Node => fixture.Node;

    [Fact]
    public async Task Noop_job_submitted_over_http_is_completed_when_read_back()
    {
        var response = await Node.Http.PostAsync("/api/jobs", Json("""{"type":"noop"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = job.GetProperty("id").GetString()!;
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location!.ToString());

        var done = await Node.WaitForStatusAsync(id, "completed");
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task Script_failing_twice_completes_on_the_third_attempt_after_growing_backoffs()
    {
        var id = (await Node.SubmitAsync(new
        {
            type = "script",
            maxAttempts = 3,
            backoff = new { initialMs = 300, maxMs = 10_000, jitter = 0.0 },
            payload = new { code = "if (job.attempt < 3) throw new Error('attempt ' + job.attempt); 'ok on ' + job.attempt" },
        })).GetProperty("id").GetString()!;

        var job = await Node.WaitForStatusAsync(id, "completed");
        Assert.Equal(3, job.GetProperty("attempts").GetInt32());
        Assert.Equal("ok on 3", job.GetProperty("result").GetProperty("value").GetString());

        var history = job.GetProperty("history").EnumerateArray().ToArray();
        var retries = history.Where(h => h.GetProperty("event").GetString() == "retry-scheduled").ToArray();
        Assert.Equal(2, retries.Length);
        // Each retry is scheduled exactly initialMs × 2^(n-1) after the failure (jitter 0) and starts no earlier.
        var gaps = retries.Select(r => (RunAt(r) - r.GetProperty("at").GetDateTimeOffset()).TotalMilliseconds).ToArray();
        Assert.Equal([300.0, 600.0], gaps);
        var starts = history.Where(h => h.GetProperty("event").GetString() == "started").Select(h => h.GetProperty("at").GetDateTimeOffset()).ToArray();
        Assert.True(starts[1] >= RunAt(retries[0]) && starts[2] >= RunAt(retries[1]), "a retry started before its backoff ended");
        // the waits between a failure and the next start (not counting how long an attempt ran)
        var failures = history.Where(h => h.GetProperty("event").GetString() == "attempt-failed").Select(h => h.GetProperty("at").GetDateTimeOffset()).ToArray();
        Assert.True(starts[2] - failures[1] > starts[1] - failures[0], "the backoff gaps did not grow");
    }

    [Fact]
    public async Task Always_failing_script_lands_in_the_dlq_and_requeue_runs_it_again()
    {
        var id = (await Node.SubmitAsync(new
        {
            type = "script",
            maxAttempts = 2,
            backoff = new { initialMs = 50, jitter = 0.0 },
            payload = new { code = "throw new Error('always')" },
        })).GetProperty("id").GetString()!;
        var failed = await Node.WaitForStatusAsync(id, "failed");
        Assert.Equal(2, failed.GetProperty("attempts").GetInt32());
        Assert.Equal("transient", failed.GetProperty("error").GetProperty("kind").GetString());

        await Eventually.Until(async () => (await Node.Http.GetStringAsync("/api/dlq?limit=1000")).Contains(id), TimeSpan.FromSeconds(30), "the job in GET /api/dlq");

        var requeue = await Node.Http.PostAsync($"/api/dlq/{id}/requeue", null);
        Assert.Equal(HttpStatusCode.Accepted, requeue.StatusCode);
        var again = await Eventually.Until(async () => (await Node.GetJobAsync(id))!.Value,
            j => j.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("event").GetString() == "failed") == 2,
            TimeSpan.FromSeconds(60), "the requeued job to fail again");
        var events = again.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()).ToArray();
        Assert.Equal(4, events.Count(e => e == "started"));
        Assert.Contains("requeued", events);

        Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/api/dlq/{id}")).StatusCode);
        await Eventually.Until(async () => !(await Node.Http.GetStringAsync("/api/dlq?limit=1000")).Contains(id), TimeSpan.FromSeconds(30), "the job gone from the DLQ view");
        Assert.Equal(HttpStatusCode.Conflict, (await Node.Http.PostAsync($"/api/dlq/{id}/requeue", null)).StatusCode);
    }

    [Fact]
    public async Task Cancel_stops_a_running_script_and_a_second_cancel_conflicts()
    {
        var id = (await Node.SubmitAsync(new { type = "script", payload = new { code = "sleep(60000); 1", timeoutMs = 120_000 } }))
            .GetProperty("id").GetString()!;
        await Node.WaitForStatusAsync(id, "running");

        Assert.Equal(HttpStatusCode.Accepted, (await Node.Http.PostAsync($"/api/jobs/{id}/cancel", null)).StatusCode);
        var job = await Node.WaitForStatusAsync(id, "cancelled");
        Assert.Equal("cancelled", job.GetProperty("error").GetProperty("kind").GetString());
        var again = await Node.Http.PostAsync($"/api/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Sse_stream_replays_history_then_streams_progress_until_the_job_ends()
    {
        var id = (await Node.SubmitAsync(new
        {
            type = "script",
            payload = new { code = "for (let i = 1; i <= 5; i++) { progress(i * 20, 'step ' + i); sleep(300); } 'done'" },
        })).GetProperty("id").GetString()!;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{id}/events");
        using var response = await Node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string Event, JsonElement Data)>();
        string? name = null;
        while (await reader.ReadLineAsync() is { } line) // the server ends the stream after the terminal event
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add((name!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
        }

        var names = events.Select(e => e.Event).ToArray();
        output.WriteLine(string.Join(", ", names));
        Assert.Equal("accepted", names[0]);
        Assert.Equal("completed", names[^1]);
        Assert.Contains("started", names);
        Assert.Contains(events, e => e.Event == "progress" && e.Data.GetProperty("progress").GetProperty("percent").GetDouble() > 0);
        var seqs = events.Where(e => e.Event != "progress").Select(e => e.Data.GetProperty("seq").GetInt32()).ToArray();
        Assert.Equal(Enumerable.Range(0, seqs.Length), seqs); // every history entry once, in order
    }

    [Fact]
    public async Task Same_idempotency_key_returns_the_same_job()
    {
        var body = new { type = "noop", idempotencyKey = "invoice-" + Guid.NewGuid() };
        var first = await Node.Http.PostAsync("/api/jobs", Json(JsonSerializer.Serialize(body)));
        var second = await Node.Http.PostAsync("/api/jobs", Json(JsonSerializer.Serialize(body)));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task Unknown_job_is_404_problem()
    {
        var response = await Node.Http.GetAsync("/api/jobs/NOSUCHJOB");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    public static TheoryData<string, byte[], int, string?> BadRequests() => new()
    {
        { "malformed JSON", Encoding.UTF8.GetBytes("""{"type": "noop",""") , 400, null },
        { "not an object", Encoding.UTF8.GetBytes("[1,2]"), 400, null },
        { "missing type", Encoding.UTF8.GetBytes("""{"payload": 1}"""), 400, "type" },
        { "unknown type", Encoding.UTF8.GetBytes("""{"type": "nope"}"""), 400, "type" },
        { "payload over 1 MiB", Encoding.UTF8.GetBytes($$"""{"type": "noop", "payload": "{{new string('x', 1024 * 1024)}}"}"""), 413, "payload" },
        { "priority 1000", Encoding.UTF8.GetBytes("""{"type": "noop", "priority": 1000}"""), 400, "priority" },
        { "maxAttempts 0", Encoding.UTF8.GetBytes("""{"type": "noop", "maxAttempts": 0}"""), 400, "maxAttempts" },
        { "negative timeoutMs", Encoding.UTF8.GetBytes("""{"type": "noop", "timeoutMs": -5}"""), 400, "timeoutMs" },
        { "priority of the wrong type", Encoding.UTF8.GetBytes("""{"type": "noop", "priority": "high"}"""), 400, "priority" },
        { "queue of the wrong type", Encoding.UTF8.GetBytes("""{"type": "noop", "queue": 7}"""), 400, "queue" },
        { "unknown queue", Encoding.UTF8.GetBytes("""{"type": "noop", "queue": "gpu"}"""), 400, "queue" },
        { "unknown field", Encoding.UTF8.GetBytes("""{"type": "noop", "maxAttemps": 2}"""), 400, "maxAttemps" },
        { "bad runAt", Encoding.UTF8.GetBytes("""{"type": "noop", "runAt": "tomorrow"}"""), 400, "runAt" },
        { "bad backoff jitter", Encoding.UTF8.GetBytes("""{"type": "noop", "backoff": {"jitter": 3}}"""), 400, "backoff.jitter" },
        { "script without code", Encoding.UTF8.GetBytes("""{"type": "script", "payload": {"src": "1"}}"""), 400, "payload" },
        { "10 MB body", Encoding.UTF8.GetBytes("{\"type\": \"noop\", \"metadata\": {\"x\": \"" + new string('x', 10 * 1024 * 1024) + "\"}}"), 413, null },
        { "non-UTF-8 bytes", [.. Encoding.ASCII.GetBytes("""{"type": "noop", "metadata": {"x": " """), 0xC3, 0x28, 0xFF, .. Encoding.ASCII.GetBytes("\"}}")], 400, null },
        { "empty body", [], 400, null },
        { "dependsOn not an array", Encoding.UTF8.GetBytes("""{"type": "noop", "dependsOn": "A"}"""), 400, "dependsOn" },
        { "dependsOn with a bad id", Encoding.UTF8.GetBytes("""{"type": "noop", "dependsOn": ["a b"]}"""), 400, "dependsOn[0]" },
        { "dependsOn an unknown job", Encoding.UTF8.GetBytes("""{"type": "noop", "dependsOn": ["NOSUCHJOB"]}"""), 400, "dependsOn[0]" },
    };

    public static TheoryData<string, string, int, string?> BadBatches() => new()
    {
        { "no jobs field", """{"id": "b1"}""", 400, "jobs" },
        { "empty jobs", """{"jobs": []}""", 400, "jobs" },
        { "bad id", """{"id": "a b", "jobs": [{"type": "noop"}]}""", 400, "id" },
        { "unknown field", """{"jobz": []}""", 400, "jobz" },
        { "a bad job names its index", """{"jobs": [{"type": "noop"}, {"type": "noop", "priority": 1000}]}""", 400, "jobs[1].priority" },
        { "mixed tenants", """{"jobs": [{"type": "noop", "tenant": "a"}, {"type": "noop", "tenant": "b"}]}""", 400, "jobs" },
        { "over 10,000 jobs", "{\"jobs\": [" + string.Join(",", Enumerable.Repeat("{\"type\":\"noop\"}", 10_001)) + "]}", 400, "jobs" },
    };

    [Theory]
    // not enumerated at discovery: xunit would serialize every row byte by byte (the 10 MB body
    // grew the test host to ~15 GB of RSS on every test run, filtered or not)
    [MemberData(nameof(BadBatches), DisableDiscoveryEnumeration = true)]
    public async Task Bad_batches_get_a_problem_naming_the_field_and_store_nothing(string why, string body, int status, string? field)
    {
        var before = Node.JournalRows();
        var response = await Node.Http.PostAsync("/api/batches", Json(body));
        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(before, Node.JournalRows());
    }

    [Fact]
    public async Task A_batch_and_a_dependency_chain_work_on_the_single_node_sqlite_default()
    {
        var batch = """{"id": "single-node-batch", "jobs": [""" + string.Join(",", Enumerable.Repeat("""{"type": "noop"}""", 50)) + "]}";
        var first = await Node.Http.PostAsync("/api/batches", Json(batch));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Node.Http.PostAsync("/api/batches", Json(batch))).StatusCode);
        var view = await Eventually.Until(async () => JsonDocument.Parse(await Node.Http.GetStringAsync("/api/batches/single-node-batch")).RootElement.Clone(),
            v => v.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(60), "batch completed");
        Assert.Equal((50, 50), (view.GetProperty("total").GetInt32(), view.GetProperty("completed").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Http.GetAsync("/api/batches/no-such-batch")).StatusCode);

        var a = (await Node.SubmitAsync(new { type = "script", payload = new { code = "sleep(200); 'a'" } })).GetProperty("id").GetString()!;
        var b = (await Node.SubmitAsync(new { type = "noop", dependsOn = new[] { a } })).GetProperty("id").GetString()!;
        var jb = await Node.WaitForStatusAsync(b, "completed");
        var ja = (await Node.GetJobAsync(a))!.Value;
        Assert.True(jb.GetProperty("startedAt").GetDateTimeOffset() >= ja.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Leave_with_bad_input_is_rejected_and_the_node_stays_up()
    {
        foreach (var (body, status) in new[]
                 {
                     ("""{"address": "not an address"}""", 400),
                     ("""{"address": 7}""", 400),
                     ("""{"adress": "akka.tcp://jobs@127.0.0.1:1"}""", 400),
                     ("""{"address": "akka.tcp://jobs@127.0.0.1:1"}""", 404),
                     ("[1]", 400),
                 })
        {
            var response = await Node.Http.PostAsync("/api/cluster/leave", Json(body));
            Assert.True(status == (int)response.StatusCode, $"{body}: expected {status}, got {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await Node.Http.GetAsync("/readyz")).StatusCode);
        using var cluster = JsonDocument.Parse(await Node.Http.GetStringAsync("/api/cluster"));
        Assert.Equal("up", cluster.RootElement.GetProperty("members")[0].GetProperty("status").GetString());
    }

    [Theory]
    // not enumerated at discovery: xunit would serialize every row byte by byte (the 10 MB body
    // grew the test host to ~15 GB of RSS on every test run, filtered or not)
    [MemberData(nameof(BadRequests), DisableDiscoveryEnumeration = true)]
    public async Task Bad_input_gets_a_problem_naming_the_field_and_stores_nothing(string why, byte[] body, int status, string? field)
    {
        var before = Node.JournalRows();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await Node.Http.PostAsync("/api/jobs", content);

        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(before, Node.JournalRows());
    }

    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

    private static DateTimeOffset RunAt(JsonElement retry) =>
        DateTimeOffset.Parse(retry.GetProperty("detail").GetString()!.Split(" at ")[1], System.Globalization.CultureInfo.InvariantCulture);
}
