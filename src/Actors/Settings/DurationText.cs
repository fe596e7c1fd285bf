using System.Globalization;

namespace Jobs.Actors.Settings;

/// <summary>
/// Durations as deployers and clients write them: a whole number and a unit, <c>s</c>, <c>m</c>,
/// <c>h</c> or <c>d</c> (<c>5s</c>, <c>10m</c>, <c>24h</c>, <c>7d</c>). Used by the retention settings
/// and a job's <c>retention</c> field.
/// </summary>
public static class DurationText
{
    public const string Shape = "a whole number and a unit s, m, h or d, such as 5s, 10m, 24h or 7d";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is null) return false;
        var t = text.Trim();
        if (t.Length < 2) return false;
        var unit = t[^1] switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            'h' => TimeSpan.TicksPerHour,
            'd' => TimeSpan.TicksPerDay,
            _ => 0L,
        };
        if (unit == 0 || !long.TryParse(t.AsSpan(0, t.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        if (n > TimeSpan.MaxValue.Ticks / unit) return false;
        duration = TimeSpan.FromTicks(n * unit);
        return true;
    }

    /// <summary>The shortest exact form (<c>90s</c> stays <c>90s</c>, <c>86400s</c> is <c>1d</c>).</summary>
    public static string Format(TimeSpan d) =>
        d.Ticks % TimeSpan.TicksPerDay == 0 ? $"{d.Ticks / TimeSpan.TicksPerDay}d"
        : d.Ticks % TimeSpan.TicksPerHour == 0 ? $"{d.Ticks / TimeSpan.TicksPerHour}h"
        : d.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{d.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{d.Ticks / TimeSpan.TicksPerSecond}s";
}
