using System.Text.Json;

namespace Jobs.Messages;

/// <summary>
/// The metadata values a job list's search (<see cref="JobQuery.Search"/>) finds a job by: the
/// top-level fields' values of its metadata object — a string as its text, a number or a boolean
/// as written — at most <see cref="MaxValues"/> of them, each at most <see cref="MaxChars"/>
/// characters (longer ones and nested objects and arrays are not searchable). The read model
/// indexes exactly these and the live filter compares exactly these, so both halves of a list agree.
/// </summary>
public static class MetadataValues
{
    public const int MaxValues = 32;
    public const int MaxChars = 256;

    public static IReadOnlyList<string> Of(string? metadataJson)
    {
        if (string.IsNullOrEmpty(metadataJson)) return [];
        try
        {
            using var doc = JsonDocument.Parse(metadataJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return [];
            var values = new List<string>();
            foreach (var field in doc.RootElement.EnumerateObject())
            {
                if (values.Count == MaxValues) break;
                var text = field.Value.ValueKind switch
                {
                    JsonValueKind.String => field.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => field.Value.GetRawText(),
                    _ => null,
                };
                if (text is { Length: > 0 and <= MaxChars } && !values.Contains(text, StringComparer.Ordinal)) values.Add(text);
            }
            return values;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Whether a job with this metadata is found by searching <paramref name="text"/>.</summary>
    public static bool Contains(string? metadataJson, string text) =>
        text.Length <= MaxChars && Of(metadataJson).Contains(text, StringComparer.Ordinal);
}
