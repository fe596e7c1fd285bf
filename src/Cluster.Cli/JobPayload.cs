using System.Text.Json;

namespace Jobs.Cli;

/// <summary>A job's payload from --payload: inline JSON or @file.</summary>
internal static class JobPayload
{
    /// <summary>Why the text is not JSON, or null if it is.</summary>
    public static string? Problem(string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
            return null;
        }
        catch (JsonException e)
        {
            return e.Message;
        }
    }

    /// <summary>--payload as given: an existing @file, or inline JSON.</summary>
    public static Spectre.Console.ValidationResult Check(string? payload)
    {
        if (payload is ['@', .. var path])
            return File.Exists(path) ? Spectre.Console.ValidationResult.Success() : Spectre.Console.ValidationResult.Error($"--payload file '{path}' does not exist");
        return payload is null || Problem(payload) is not { } problem
            ? Spectre.Console.ValidationResult.Success()
            : Spectre.Console.ValidationResult.Error($"--payload is not valid JSON: {problem}");
    }

    public static async Task<JsonElement> ReadAsync(string payload, CancellationToken ct)
    {
        var json = payload is ['@', .. var path] ? await File.ReadAllTextAsync(path, ct) : payload;
        return Problem(json) is { } problem
            ? throw new UsageException($"--payload is not valid JSON: {problem}")
            : JsonDocument.Parse(json).RootElement.Clone();
    }
}
