using System.Net;

namespace Jobs.Client;

/// <summary>
/// Sends a request again when the node says it is busy (503) or over a limit (429), after its
/// <c>Retry-After</c>, and, for requests marked safe to repeat, after a dropped connection. Both
/// answers mean nothing was stored; a submission is safe to repeat because it carries the same
/// idempotency key (or batch id) every time, so a repeat of one that was stored answers the stored job.
/// </summary>
public sealed class JobsRetryHandler(JobsClientOptions options) : DelegatingHandler
{
    /// <summary>Set on a request that may be sent again after a connection dropped before its answer arrived.</summary>
    public static readonly HttpRequestOptionsKey<bool> Repeatable = new("Jobs.Client.Repeatable");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
                // read the body here, so that a connection cut in the middle of it is retried as well
                if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
            }
            catch (HttpRequestException) when (attempt < options.MaxAttempts && IsRepeatable(request) && !cancellationToken.IsCancellationRequested)
            {
                response?.Dispose();
                await Task.Delay(Backoff(attempt), cancellationToken);
                continue;
            }
            if (attempt >= options.MaxAttempts || response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)) return response;
            var delay = RetryAfter(response) ?? Backoff(attempt);
            if (delay > options.MaxRetryAfter) return response;
            response.Dispose();
            await Task.Delay(delay, cancellationToken);
        }
    }

    private static bool IsRepeatable(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || (request.Options.TryGetValue(Repeatable, out var yes) && yes);

    /// <summary><c>Retry-After</c> as seconds or as a date; null when absent.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>InitialBackoff doubling per attempt up to MaxBackoff, then ±20 % so that many clients do not retry in step.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ms = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ms * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
