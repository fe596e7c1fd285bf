using System.Net;
using System.Text.Json;

namespace Jobs.Client;

/// <summary>
/// The node refused a request: its <c>application/problem+json</c> answer (docs/api.md, Errors).
/// <see cref="Detail"/> says what to fix, <see cref="Field"/> names the offending field when there is one.
/// </summary>
public sealed class JobsApiException(HttpStatusCode status, string? title, string? detail, string? field, JsonElement problem)
    : Exception($"{(int)status} {detail ?? title ?? status.ToString()}")
{
    public HttpStatusCode Status { get; } = status;
    public string? Title { get; } = title;
    public string? Detail { get; } = detail;
    public string? Field { get; } = field;

    /// <summary>The whole problem document (a quota's <c>limit</c>, <c>used</c>, <c>resetsAt</c>…); <c>default</c> when the body was not JSON.</summary>
    public JsonElement Problem { get; } = problem;

    internal static async Task<JobsApiException> FromAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
                return new JobsApiException(response.StatusCode, Str(root, "title"), Str(root, "detail"), Str(root, "field"), root.Clone());
        }
        catch (JsonException)
        {
            // not problem+json: a proxy's page or an empty body; the text below stands in for the detail
        }
        var detail = text.Length is > 0 and < 300 ? text : response.ReasonPhrase;
        return new JobsApiException(response.StatusCode, response.ReasonPhrase, detail, null, default);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
