using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Client;

/// <summary>
/// The Jobs HTTP API (docs/api.md) from .NET: submit, batch, get, list, cancel, wait for and watch
/// jobs. Any node answers any request. A refused request throws <see cref="JobsApiException"/>; a node
/// that cannot be reached after the retries throws <see cref="HttpRequestException"/>.
/// </summary>
public sealed class JobsClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly JobsClientOptions _options;
    private readonly Uri _base;
    private readonly bool _ownsHttp;

    /// <summary>A client with its own HttpClient (and <see cref="JobsRetryHandler"/>); dispose it when done.</summary>
    public JobsClient(JobsClientOptions options)
        : this(new HttpClient(new JobsRetryHandler(options) { InnerHandler = new SocketsHttpHandler() }) { Timeout = options.Timeout }, options, ownsHttp: true)
    {
    }

    /// <summary>
    /// A client over an HttpClient made elsewhere (<see cref="JobsClientServiceCollectionExtensions.AddJobsClient"/>
    /// makes one with <see cref="JobsRetryHandler"/> in its pipeline; without it, nothing is retried).
    /// </summary>
    public JobsClient(HttpClient http, JobsClientOptions options) : this(http, options, ownsHttp: false)
    {
    }

    private JobsClient(HttpClient http, JobsClientOptions options, bool ownsHttp)
    {
        _http = http;
        _options = options;
        _ownsHttp = ownsHttp;
        var address = options.BaseAddress ?? http.BaseAddress ?? throw new ArgumentException("JobsClientOptions.BaseAddress names no node", nameof(options));
        // a trailing slash, so that a node behind a path prefix keeps it: relative routes resolve under it
        _base = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
    }

    /// <summary>The node's base URL the requests go to.</summary>
    public Uri BaseAddress => _base;

    /// <summary>
    /// Submits a job. Without an idempotency key the client makes one before the first send, so a
    /// re-send after a lost answer gets the stored job back instead of storing a second one.
    /// </summary>
    public async Task<Job> SubmitAsync(JobRequest job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var keyed = job.IdempotencyKey is null ? job with { IdempotencyKey = NewKey() } : job;
        return ToJob(await SendAsync(HttpMethod.Post, "api/jobs", keyed, repeatable: true, cancellationToken));
    }

    /// <summary>
    /// Submits jobs as one batch (at most 10,000). Without <paramref name="batchId"/> the client makes
    /// one before the first send: a re-post of the same id adds nothing.
    /// </summary>
    public async Task<Batch> SubmitBatchAsync(IReadOnlyList<JobRequest> jobs, string? batchId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var body = new { id = batchId ?? "batch-" + NewKey(), jobs };
        return ToBatch(await SendAsync(HttpMethod.Post, "api/batches", body, repeatable: true, cancellationToken));
    }

    /// <summary>The job, or null when there is none (or the key's tenant does not see it).</summary>
    public async Task<Job?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return ToJob(await SendAsync(HttpMethod.Get, JobPath(id), null, repeatable: true, cancellationToken));
        }
        catch (JobsApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The batch, or null when there is none for the key's tenant.</summary>
    public async Task<Batch?> GetBatchAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return ToBatch(await SendAsync(HttpMethod.Get, "api/batches/" + Uri.EscapeDataString(id), null, repeatable: true, cancellationToken));
        }
        catch (JobsApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The jobs that match, newest first, page after page (the lists trail the journal by milliseconds).</summary>
    public async IAsyncEnumerable<Job> ListAsync(JobFilter? filter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= new JobFilter();
        var query = new StringBuilder("api/jobs?limit=").Append(filter.PageSize);
        foreach (var (name, value) in new[] { ("status", filter.Status?.ToString().ToLowerInvariant()), ("type", filter.Type), ("queue", filter.Queue), ("batchId", filter.BatchId), ("tenant", filter.Tenant) })
            if (value is not null) query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        string? cursor = null;
        do
        {
            var path = cursor is null ? query.ToString() : $"{query}&cursor={Uri.EscapeDataString(cursor)}";
            var page = await SendAsync(HttpMethod.Get, path, null, repeatable: true, cancellationToken);
            foreach (var item in page.GetProperty("items").EnumerateArray()) yield return ToJob(item);
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
    }

    /// <summary>Cancels a pending, scheduled or running job; a finished one is a 409 <see cref="JobsApiException"/>.</summary>
    public async Task<Job> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        ToJob(await SendAsync(HttpMethod.Post, JobPath(id) + "/cancel", null, repeatable: false, cancellationToken));

    /// <summary>
    /// Reads the job until it has ended (completed, failed or cancelled) and returns it; the pause between
    /// reads grows from 100 ms to <see cref="JobsClientOptions.MaxPollInterval"/>. Polling, unlike the event
    /// stream, cannot miss the end when a connection drops. An unknown job is a 404 <see cref="JobsApiException"/>.
    /// </summary>
    public async Task<Job> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var job = ToJob(await SendAsync(HttpMethod.Get, JobPath(id), null, repeatable: true, cancellationToken));
            if (job.IsTerminal) return job;
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(_options.MaxPollInterval.TotalMilliseconds, pause.TotalMilliseconds * 1.5));
        }
    }

    /// <summary>
    /// The job's events as they happen: first its history, then each new event; the enumeration ends after
    /// a terminal event (or at once after the history of a job that has ended).
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, JobPath(id) + "/events", null, repeatable: true);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await JobsApiException.FromAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            // the stream's only other lines are keep-alive comments, which the parser skips
            var e = JsonSerializer.Deserialize<JobEvent>(item.Data, Json)!;
            yield return e with { Json = item.Data };
        }
    }

    /// <summary>
    /// Any route of docs/api.md (DLQ, cluster, nodes, usage…): the answer's JSON as the node wrote it,
    /// <c>default</c> for an empty answer. <paramref name="path"/> is relative to the node's base URL
    /// (<c>api/dlq?limit=10</c>); <paramref name="body"/> is serialized as JSON.
    /// </summary>
    public Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null, CancellationToken cancellationToken = default) =>
        SendAsync(method, path, body, repeatable: false, cancellationToken);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, bool repeatable, CancellationToken ct)
    {
        using var request = Request(method, path, body, repeatable);
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw await JobsApiException.FromAsync(response, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length == 0) return default;
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body, bool repeatable)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, path.TrimStart('/')));
        if (_options.ApiKey is { Length: > 0 } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        request.Options.Set(JobsRetryHandler.Repeatable, repeatable);
        return request;
    }

    private static string JobPath(string id) => "api/jobs/" + Uri.EscapeDataString(id);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static Job ToJob(JsonElement json) => json.Deserialize<Job>(Json)! with { Json = json };

    private static Batch ToBatch(JsonElement json) => json.Deserialize<Batch>(Json)! with { Json = json };

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
