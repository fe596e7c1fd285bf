using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Messages.Serialization;

/// <summary>
/// A string property that holds JSON text is written as nested JSON (not an escaped string) and
/// read back as its raw text. Writing checks that the text is JSON: text that is not fails the
/// serialization (the journal refuses the row) instead of storing a row no one can read back.
/// </summary>
public sealed class RawJsonConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteRawValue(value, skipInputValidation: false);
    }
}
