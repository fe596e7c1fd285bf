using System.Text.Json;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// Completes with a null result (smoke tests, benchmarks, deployment checks). An optional
/// payload <c>{"delayMs": n}</c> (0..600000) makes the attempt last that long first — a stand-in
/// for real work when checking failover; the delay honours cancellation.
/// </summary>
public sealed class NoopHandler : IJobHandler, IValidatesPayload
{
    public const int MaxDelayMs = 600_000;
    public static readonly NoopHandler Instance = new();
    private static readonly Task<object?> Done = Task.FromResult<object?>(null);

    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var delay = DelayOf(context.PayloadJson);
        return delay is 0 ? Done : DelayAsync(delay, cancellationToken);
    }

    private static async Task<object?> DelayAsync(int ms, CancellationToken ct)
    {
        await Task.Delay(ms, ct).ConfigureAwait(false);
        return null;
    }

    public string? ValidatePayload(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("delayMs", out var d)) return null;
        return d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var ms) && ms is >= 0 and <= MaxDelayMs ? null : $"payload.delayMs must be an integer 0..{MaxDelayMs}";
    }

    /// <summary>The payload's delayMs (0 when absent); anything else is a permanent failure.</summary>
    public static int DelayOf(string? payloadJson)
    {
        if (payloadJson is null || !payloadJson.Contains("delayMs", StringComparison.Ordinal)) return 0;
        try
        {
            using var doc = JsonDocument.Parse(payloadJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("delayMs", out var d)) return 0;
            return d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var ms) && ms is >= 0 and <= MaxDelayMs
                ? ms
                : throw new PermanentJobException($"noop: delayMs must be an integer 0..{MaxDelayMs}");
        }
        catch (JsonException e)
        {
            throw new PermanentJobException("noop: payload is not valid JSON: " + e.Message, e);
        }
    }
}
