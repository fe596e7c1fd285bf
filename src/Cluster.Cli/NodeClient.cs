using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jobs.Cli;

/// <summary>The node cannot be reached: exit code 3.</summary>
public sealed class NodeUnreachableException(string message) : Exception(message);

/// <summary>The node answered with an error: exit code 1, the problem's detail as the reason.</summary>
public sealed class ApiFailureException(HttpStatusCode status, string detail) : Exception($"{(int)status} {detail}")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>HTTP to one node of the cluster (any node answers any request).</summary>
public sealed class NodeClient(Uri baseAddress, string? apiKey, TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = Create(baseAddress, apiKey, timeout);

    public Uri BaseAddress => baseAddress;

    private static HttpClient Create(Uri baseAddress, string? apiKey, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
        if (!string.IsNullOrEmpty(apiKey)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken ct = default) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken ct = default) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken ct = default) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>The raw response stream of a long-lived GET (server-sent events).</summary>
    public async Task<Stream> StreamAsync(string path, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await Guard(() => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct));
        if (!response.IsSuccessStatusCode) throw await FailureOf(response, ct);
        return await response.Content.ReadAsStreamAsync(ct);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Guard(() => _http.SendAsync(request, ct));
        if (!response.IsSuccessStatusCode) throw await FailureOf(response, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new NodeUnreachableException($"cannot reach the node at {baseAddress}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (TaskCanceledException) when (!_disposed)
        {
            throw new NodeUnreachableException($"the node at {baseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
    }

    private static async Task<ApiFailureException> FailureOf(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        var detail = response.ReasonPhrase ?? "error";
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                detail = d.GetString()!;
        }
        catch (JsonException)
        {
            if (text.Length is > 0 and < 300) detail = text;
        }
        return new ApiFailureException(response.StatusCode, detail);
    }

    private bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _http.Dispose();
    }
}
