using System.Text.Json;

namespace Jobs.Handlers.BuiltIn;

/// <summary>The <c>http</c> job's payload: method, url, headers, body and an optional timeout.</summary>
public sealed record HttpJobPayload
{
    public string Method { get; init; } = "GET";
    public required string Url { get; init; }
    public Dictionary<string, string>? Headers { get; init; }
    /// <summary>A string is sent as is; any other JSON value is sent as JSON.</summary>
    public JsonElement? Body { get; init; }
    public int? TimeoutMs { get; init; }
}
