using System.Net;
using System.Text;
using System.Text.Json;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// Calls an HTTP endpoint on the allow-list (<see cref="HttpAllowList"/>: host and port). A URL off
/// the list, or a header that is malformed, reserved or carries a CR/LF
/// (<see cref="HttpHeaderRules"/>), fails <c>permanent</c> before any connection is made (also at
/// submission, as a 400); so does a host that resolves only to addresses the list does not permit,
/// checked when the connection is opened (<see cref="HttpJobClient"/>). 5xx, 408, 429 and timeouts
/// are transient (a Retry-After is honoured); other 4xx are permanent. Credentials in the URL are
/// sent as Basic authentication and shown as <c>***</c> (<see cref="HttpUrls"/>). Result: status,
/// headers and the body (text, at most <see cref="HttpJobSettings.MaxResponseBytes"/>;
/// <c>truncated</c> says if cut).
/// </summary>
public sealed class HttpHandler(HttpJobSettings settings, HttpJobClient? client = null) : JobHandler<HttpJobPayload>, IValidatesPayload
{
    /// <summary>Pooled connections are renewed this often, so a changed DNS answer is picked up.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    private static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

    private HttpClient Http => (client ?? HttpJobClient.For(settings)).Http;

    public string? ValidatePayload(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p) return "payload must be an object {\"method\", \"url\", \"headers\"?, \"body\"?}";
        if (!p.TryGetProperty("url", out var u) || u.ValueKind != JsonValueKind.String) return "payload.url is required (a string)";
        var method = p.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!.ToUpperInvariant() : "GET";
        var headers = new List<KeyValuePair<string, string?>>();
        if (p.TryGetProperty("headers", out var h) && h.ValueKind != JsonValueKind.Null)
        {
            if (h.ValueKind != JsonValueKind.Object) return "payload.headers must be an object of header names to string values";
            headers.AddRange(h.EnumerateObject().Select(x => new KeyValuePair<string, string?>(x.Name, x.Value.ValueKind == JsonValueKind.String ? x.Value.GetString() : null)));
        }
        return Check(method, u.GetString()!, headers);
    }

    private string? Check(string method, string url, IEnumerable<KeyValuePair<string, string?>> headers)
    {
        if (!Methods.Contains(method)) return $"payload.method '{method}' is not one of {string.Join(", ", Methods)}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "payload.url is not an absolute http(s) URL";
        foreach (var (name, value) in headers)
            if (HttpHeaderRules.Problem(name, value) is { } problem)
                return "payload.headers: " + problem;
        if (!settings.AllowList.AllowsUrl(uri))
            return $"{uri.IdnHost}:{uri.Port} is not allowed for http jobs (JOBS_HTTP_ALLOWED_HOSTS: {settings.AllowList}; an entry without a port allows only port 80 for http, 443 for https)";
        return null;
    }

    protected override async Task<object?> HandleAsync(HttpJobPayload payload, JobContext context, CancellationToken cancellationToken)
    {
        var method = payload.Method.ToUpperInvariant();
        var headers = payload.Headers ?? [];
        if (Check(method, payload.Url, headers.Select(h => new KeyValuePair<string, string?>(h.Key, h.Value))) is { } problem)
            throw new PermanentJobException(problem);
        var uri = new Uri(payload.Url, UriKind.Absolute);
        var shown = $"{method} {HttpUrls.Shown(uri)}";
        using var request = new HttpRequestMessage(new HttpMethod(method), HttpUrls.WithoutUserInfo(uri));
        if (payload.Body is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } body)
            request.Content = body.ValueKind == JsonValueKind.String
                ? new StringContent(body.GetString()!, Encoding.UTF8)
                : new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers)
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
                request.Content.Headers.TryAddWithoutValidation(name, value);
        if (request.Headers.Authorization is null && HttpUrls.BasicCredentials(uri) is { } credentials)
            request.Headers.Authorization = credentials;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(payload.TimeoutMs is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : settings.DefaultTimeout);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientJobException($"{shown} timed out");
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedAddressException refused)
        {
            throw new PermanentJobException($"{shown} refused: {refused.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new TransientJobException($"{shown} failed: {e.Message}", e);
        }
        using (response)
        {
            var (text, truncated) = await ReadCapped(response, settings.MaxResponseBytes, timeout.Token);
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                throw new TransientJobException($"{shown} answered {status}", null, RetryAfterOf(response));
            if (status >= 400) throw new PermanentJobException($"{shown} answered {status}: {Shorten(text)}");
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
