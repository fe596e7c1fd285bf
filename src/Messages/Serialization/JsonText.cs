using System.Text;
using System.Text.Json;

namespace Jobs.Messages.Serialization;

/// <summary>Checks text that is stored as raw JSON (payloads, metadata, results) before it reaches the journal.</summary>
public static class JsonText
{
    /// <summary>Null when <paramref name="text"/> is null or one complete JSON value; else what is wrong with it.</summary>
    public static string? Problem(string? text)
    {
        if (text is null) return null;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
            reader.Read();
            reader.Skip();
            return reader.Read() ? "more than one JSON value" : null;
        }
        catch (JsonException e)
        {
            return e.Message;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a spec's payload or metadata is not JSON.</summary>
    public static void Require(JobSpec spec)
    {
        if (Problem(spec.Payload) is { } payload) throw new ArgumentException($"payload is not valid JSON: {payload}", nameof(spec));
        if (Problem(spec.Metadata) is { } metadata) throw new ArgumentException($"metadata is not valid JSON: {metadata}", nameof(spec));
    }
}
