using System.Net;
using System.Text;
using System.Text.Json;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// Calls an HTTP endpoint on the allow-list. A host not on it fails <c>permanent</c> before any
/// connection is made (also at submission, as a 400). 5xx, 408, 429 and timeouts are transient
/// (a Retry-After is honoured); other 4xx are permanent. Result: status, headers and the body
/// (text, at most <see cref="HttpJobSettings.MaxResponseBytes"/>; <c>truncated</c> says if cut).
/// </summary>
public sealed class HttpHandler(HttpJobSettings settings) : JobHandler<HttpJobPayload>, IValidatesPayload
{
    /// <summary>Pooled connections are renewed this often, so a changed DNS answer is picked up.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    private static readonly HttpClient Shared = new(new SocketsHttpHandler { PooledConnectionLifetime = ConnectionLifetime, AllowAutoRedirect = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

    public string? ValidatePayload(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p) return "payload must be an object {\"method\", \"url\", \"headers\"?, \"body\"?}";
        if (!p.TryGetProperty("url", out var u) || u.ValueKind != JsonValueKind.String) return "payload.url is required (a string)";
        var method = p.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!.ToUpperInvariant() : "GET";
        return Check(method, u.GetString()!);
    }

    private string? Check(string method, string url)
    {
        if (!Methods.Contains(method)) return $"payload.method '{method}' is not one of {string.Join(", ", Methods)}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"payload.url '{url}' is not an absolute http(s) URL";
        if (!settings.Allows(uri.Host))
            return $"host '{uri.Host}' is not allowed for http jobs (JOBS_HTTP_ALLOWED_HOSTS: {(settings.AllowedHosts.Count == 0 ? "none" : string.Join(",", settings.AllowedHosts))})";
        return null;
    }

    protected override async Task<object?> HandleAsync(HttpJobPayload payload, JobContext context, CancellationToken cancellationToken)
    {
        var method = payload.Method.ToUpperInvariant();
        if (Check(method, payload.Url) is { } problem) throw new PermanentJobException(problem);
        using var request = new HttpRequestMessage(new HttpMethod(method), payload.Url);
        if (payload.Body is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } body)
            request.Content = body.ValueKind == JsonValueKind.String
                ? new StringContent(body.GetString()!, Encoding.UTF8)
                : new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        foreach (var (name, value) in payload.Headers ?? [])
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
                request.Content.Headers.TryAddWithoutValidation(name, value);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(payload.TimeoutMs is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : settings.DefaultTimeout);
        HttpResponseMessage response;
        try
        {
            response = await Shared.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientJobException($"{method} {payload.Url} timed out");
        }
        catch (HttpRequestException e)
        {
            throw new TransientJobException($"{method} {payload.Url} failed: {e.Message}", e);
        }
        using (response)
        {
            var (text, truncated) = await ReadCapped(response, settings.MaxResponseBytes, timeout.Token);
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                throw new TransientJobException($"{method} {payload.Url} answered {status}", null, RetryAfterOf(response));
            if (status >= 400) throw new PermanentJobException($"{method} {payload.Url} answered {status}: {Shorten(text)}");
            return new
            {
                status,
                headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value)),
                body = text,
                truncated,
            };
        }
    }

    /// <summary>A Retry-After in seconds or as a date, capped at 10 minutes.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var r = response.Headers.RetryAfter;
        var delay = r?.Delta ?? (r?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return RetryAfter.Capped(delay);
    }

    private static async Task<(string Text, bool Truncated)> ReadCapped(HttpResponseMessage response, int max, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[max + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        var truncated = read > max;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, max)), truncated);
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
