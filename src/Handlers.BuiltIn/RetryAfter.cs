using System.Globalization;

namespace Jobs.Handlers.BuiltIn;

/// <summary>A server's Retry-After, as the least wait before the next attempt.</summary>
public static class RetryAfter
{
    /// <summary>The longest wait a server may ask for: a bad or hostile header does not park a job for days.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <summary>A positive delay, capped at <see cref="Max"/>; null otherwise.</summary>
    public static TimeSpan? Capped(TimeSpan? delay) => delay is { } d && d > TimeSpan.Zero ? (d > Max ? Max : d) : null;

    /// <summary>The header's value: seconds, or an HTTP date.</summary>
    public static TimeSpan? Parse(string? value)
    {
        if (value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return seconds > 0 ? Capped(TimeSpan.FromSeconds(Math.Min(seconds, Max.TotalSeconds))) : null;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Capped(at - DateTimeOffset.UtcNow)
            : null;
    }
}
