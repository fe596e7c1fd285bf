using System.Text.Json;

namespace Jobs.Handlers.BuiltIn.Llm;

public sealed record LlmMessage(string Role, string Content);

/// <summary>The <c>llm</c> job's payload (docs/api.md).</summary>
public sealed record LlmPayload
{
    public string? Model { get; init; }
    /// <summary>Tried in order (or cheapest first with <see cref="Route"/> = "cheapest"); the next one on 5xx, timeout or 429.</summary>
    public IReadOnlyList<string>? Models { get; init; }
    public IReadOnlyList<LlmMessage> Messages { get; init; } = [];
    /// <summary>A JSON Schema the answer must satisfy; a non-matching answer is re-asked with the errors.</summary>
    public JsonElement? ResponseSchema { get; init; }
    public float? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    /// <summary>Stream tokens; progress events show the answer growing.</summary>
    public bool Stream { get; init; }
    /// <summary>"cheapest": order the model list by the configured prices.</summary>
    public string? Route { get; init; }
}
