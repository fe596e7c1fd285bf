using System.Text.Json;

namespace Jobs.Cli;

/// <summary>Reading the node's JSON leniently: a missing property is an empty string, an empty list or <c>default</c>.</summary>
internal static class JsonExtensions
{
    public static string Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString()!,
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                JsonValueKind.True => "yes",
                JsonValueKind.False => "no",
                JsonValueKind.Array => string.Join(",", v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText())),
                _ => v.GetRawText(),
            }
            : "";

    public static JsonElement Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static IEnumerable<JsonElement> Items(this JsonElement e, string name) =>
        e.Prop(name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];
}
