using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Handlers;

/// <summary>
/// How payloads are read and results written: JSON web defaults (camelCase), enums as camelCase
/// strings, nulls left out — the conventions of the engine's own messages. The engine stores a
/// handler's result with these options, so what <see cref="Testing.HandlerTestKit"/> shows is what
/// a job view shows.
/// </summary>
public static class HandlerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>A handler's result as JSON text (null stays null; a <see cref="RawJson"/> is taken as it is).</summary>
    public static string? Serialize(object? result) => result switch
    {
        null => null,
        RawJson raw => raw.Json,
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(result, result.GetType(), Options),
    };
}
