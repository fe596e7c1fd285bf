using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Messages.Serialization;

/// <summary>
/// <c>{"events":[{"m":"JA1","e":{...}},{"m":"JC1","e":{...}}]}</c>: each event with its own
/// manifest (the same ones single-event rows use), so a batch reads with the event contracts.
/// </summary>
public sealed class JobEventBatchConverter : JsonConverter<JobEventBatch>
{
    public override void Write(Utf8JsonWriter writer, JobEventBatch value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("events");
        foreach (var e in value.Events)
        {
            writer.WriteStartObject();
            writer.WriteString("m", JobsSerializer.ManifestOf(e));
            writer.WritePropertyName("e");
            JsonSerializer.Serialize(writer, e, e.GetType(), options);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public override JobEventBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject, read: false);
        var events = new List<IJobEvent>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("events"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            Expect(ref reader, JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string? manifest = null;
                IJobEvent? e = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("m"u8))
                    {
                        Expect(ref reader, JsonTokenType.String);
                        manifest = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("e"u8))
                    {
                        if (manifest is null) throw new JsonException("an event in a JobEventBatch has \"e\" before \"m\"");
                        reader.Read();
                        e = JsonSerializer.Deserialize(ref reader, JobsSerializer.TypeOf(manifest), options) as IJobEvent
                            ?? throw new JsonException($"manifest '{manifest}' in a JobEventBatch is not a job event");
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                events.Add(e ?? throw new JsonException("an event in a JobEventBatch has no \"e\""));
            }
            if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException("JobEventBatch: \"events\" is not an array of objects");
        }
        if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("JobEventBatch: unexpected token " + reader.TokenType);
        return new JobEventBatch(events);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, bool read = true)
    {
        if (read) reader.Read();
        if (reader.TokenType != type) throw new JsonException($"JobEventBatch: expected {type}, found {reader.TokenType}");
    }
}
