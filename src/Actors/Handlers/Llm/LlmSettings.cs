using System.Globalization;

namespace Jobs.Actors.Handlers.Llm;

/// <summary>USD per million tokens, prompt and completion.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    public decimal Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000m;
}

/// <summary>
/// The OpenAI-compatible endpoint <c>llm</c> jobs call (a LiteLLM proxy, OpenAI, a local server),
/// its key, the price table and the limits. From JOBS_LLM_* (see README).
/// </summary>
public sealed record LlmSettings
{
    public static readonly LlmSettings None = new();

    /// <summary>e.g. <c>http://litellm:4000/v1</c>; null: llm jobs fail permanent ("not configured").</summary>
    public Uri? BaseUrl { get; init; }
    public string? ApiKey { get; init; }
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();
    /// <summary>Re-asks after an answer that does not match <c>responseSchema</c>.</summary>
    public int MaxReasks { get; init; } = 2;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Parses <c>model=in/out;model=in/out</c> (USD per million tokens), e.g. <c>gpt-4o-mini=0.15/0.6</c>.</summary>
    public static IReadOnlyDictionary<string, ModelPrice> ParsePrices(string? spec)
    {
        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var entry in (spec ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.LastIndexOf('=');
            var parts = eq > 0 ? entry[(eq + 1)..].Split('/') : [];
            if (eq <= 0 || parts.Length != 2
                || !decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var input) || input < 0
                || !decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var output) || output < 0)
                throw new InvalidOperationException($"JOBS_LLM_PRICES entry '{entry}' is invalid: expected model=inputUsdPerMillion/outputUsdPerMillion");
            prices[entry[..eq]] = new ModelPrice(input, output);
        }
        return prices;
    }
}
