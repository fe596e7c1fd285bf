using System.Text.Json;
using Jobs.Messages;

namespace Jobs.Actors.Usage;

/// <summary>Reads the tokens and cost an llm job's result reports (its <c>usage</c> and <c>costUsd</c>).</summary>
public static class TokenUsage
{
    public static RecordTokens? Of(JobCompleted completed, JobRecord job)
    {
        if (job.Spec.Type != "llm" || completed.Result is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(completed.Result);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object) return null;
            long Tokens(string name) => u.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
            var cost = root.TryGetProperty("costUsd", out var c) && c.TryGetDecimal(out var d) ? d : 0;
            return new RecordTokens(job.Spec.Tenant, DateOnly.FromDateTime(completed.At.UtcDateTime), job.Id,
                Tokens("promptTokens"), Tokens("completionTokens"), cost);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
