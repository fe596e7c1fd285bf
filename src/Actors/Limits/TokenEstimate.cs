using System.Text.Json;
using Jobs.Messages;

namespace Jobs.Actors.Limits;

/// <summary>
/// The LLM tokens a job is expected to use, taken from a key's tokens-per-minute bucket when its
/// lease is granted and settled with the real usage when it ends: for an <c>llm</c> job, a token
/// per <see cref="CharsPerToken"/> characters of its payload (the prompt and messages) plus its
/// <c>maxTokens</c> (or <see cref="DefaultCompletionTokens"/>); 0 for any other job. Pure.
/// </summary>
public static class TokenEstimate
{
    public const int CharsPerToken = 4;
    public const int DefaultCompletionTokens = 256;

    public static int Of(JobSpec spec)
    {
        if (spec.Type != "llm" || spec.Payload is not { } payload) return 0;
        var completion = DefaultCompletionTokens;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("maxTokens", out var m) && m.TryGetInt32(out var max) && max > 0)
                completion = max;
        }
        catch (JsonException)
        {
            // not JSON: the payload's length alone
        }
        return payload.Length / CharsPerToken + completion;
    }
}
