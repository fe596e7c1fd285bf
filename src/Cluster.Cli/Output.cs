using System.Text.Json;

namespace Jobs.Cli;

/// <summary>What a command prints: a table, lines, or (with --json) the node's JSON as is.</summary>
public sealed class Output(TextWriter writer, bool json)
{
    public bool Json => json;
    public TextWriter Writer => writer;

    public void Line(string text = "") => writer.WriteLine(text);

    public void JsonValue(JsonElement value) =>
        writer.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Left-aligned columns separated by " | ", a header and a rule.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        string Row(IReadOnlyList<string> cells) => string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        writer.WriteLine(Row(headers));
        writer.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var r in all) writer.WriteLine(Row(r));
    }

    /// <summary>"[#########.........]  45%" for a fraction 0..1.</summary>
    public static string Bar(double fraction, int width = 30)
    {
        var f = Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1);
        var filled = (int)Math.Round(f * width);
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {f * 100,3:0}%";
    }
}

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
