using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Jobs.Handlers.BuiltIn.Llm;

/// <summary>USD per million tokens, prompt and completion.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    public decimal Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000m;
}

/// <summary>
/// The OpenAI-compatible endpoint <c>llm</c> jobs call (a LiteLLM proxy, OpenAI, a local server),
/// its key, the price table and the limits (JOBS_LLM_*).
/// </summary>
public sealed record LlmSettings : IValidatableObject
{
    public static readonly LlmSettings None = new();

    /// <summary>e.g. <c>http://litellm:4000/v1</c>; unset: llm jobs fail permanent ("not configured").</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The endpoint's key (never logged).</summary>
    public string? ApiKey { get; init; }

    /// <summary>USD per million tokens: <c>model=in/out;model=in/out</c>, e.g. <c>gpt-4o-mini=0.15/0.6</c>.</summary>
    public string? Prices { get; init; }

    /// <summary>Re-asks after an answer that does not match <c>responseSchema</c>.</summary>
    [Range(0, 10)]
    public int MaxReasks { get; init; } = 2;

    /// <summary>One model call may take this long.</summary>
    [Range(100, 3_600_000)]
    public int TimeoutMs { get; init; } = 120_000;

    private IReadOnlyDictionary<string, ModelPrice>? _prices;

    public Uri? Endpoint => BaseUrl is null ? null : new Uri(BaseUrl, UriKind.Absolute);
    public IReadOnlyDictionary<string, ModelPrice> PriceTable => _prices ??= ParsePrices(Prices);
    public TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(TimeoutMs);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (BaseUrl is not null && !(Uri.TryCreate(BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            yield return new ValidationResult($"'{BaseUrl}' is not an http(s) URL", [nameof(BaseUrl)]);
        string? problem = null;
        try
        {
            _ = ParsePrices(Prices);
        }
        catch (InvalidOperationException e)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return new ValidationResult(problem, [nameof(Prices)]);
    }

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
