using System.Text.Json;
using NJsonSchema;
using NJsonSchema.References;

namespace Jobs.Handlers.BuiltIn.Llm;

/// <summary>
/// An <c>llm</c> job's <c>responseSchema</c>, kept inside its own document. NJsonSchema resolves a
/// <c>$ref</c> to a URL by fetching it and one to a path by reading the file, which would let a
/// tenant make the node call any address it reaches (SSRF) or read its files, and see parts of the
/// answer in the job's error. So only local references (<c>#…</c>) are accepted: any other
/// <c>$ref</c> is refused at submission (400) and at run time (permanent), and the schema is
/// parsed with a resolver that fetches and reads nothing.
/// </summary>
public static class ResponseSchema
{
    /// <summary>Why the schema is refused (an external <c>$ref</c>), or null.</summary>
    public static string? Problem(JsonElement schema) =>
        ExternalReference(schema) is { } reference
            ? $"payload.responseSchema: $ref '{Shorten(reference)}' points outside the schema; only local references (\"#/…\") are allowed"
            : null;

    /// <summary>Parses the schema; throws <see cref="PermanentJobException"/> for an external reference (nothing is fetched or read).</summary>
    public static async Task<JsonSchema> ParseAsync(JsonElement schema, CancellationToken ct)
    {
        if (Problem(schema) is { } problem) throw new PermanentJobException(problem);
        try
        {
            return await JsonSchema.FromJsonAsync(schema.GetRawText(), null,
                root => new LocalOnlyResolver(new JsonSchemaAppender(root, new DefaultTypeNameGenerator())), ct);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or Newtonsoft.Json.JsonException)
        {
            throw new PermanentJobException($"payload.responseSchema is not a usable JSON Schema: {e.Message}", e);
        }
    }

    /// <summary>The first <c>$ref</c> whose value does not start with <c>#</c>, anywhere in the document.</summary>
    private static string? ExternalReference(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "$ref" && p.Value.ValueKind == JsonValueKind.String && !p.Value.GetString()!.StartsWith('#'))
                        return p.Value.GetString();
                    if (ExternalReference(p.Value) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    if (ExternalReference(item) is { } inner)
                        return inner;
                return null;
            default:
                return null;
        }
    }

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";

    /// <summary>Resolves references within the document only: a file or URL reference throws before any I/O.</summary>
    private sealed class LocalOnlyResolver(JsonSchemaAppender appender) : JsonReferenceResolver(appender)
    {
        public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
            throw new PermanentJobException("payload.responseSchema: file references are not allowed");

        public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
            throw new PermanentJobException("payload.responseSchema: URL references are not allowed");
    }
}
