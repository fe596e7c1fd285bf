using System.ComponentModel.DataAnnotations;

namespace Jobs.Actors.Settings;

/// <summary>Result reuse (<c>"dedupe": true</c>).</summary>
public sealed record DedupeOptions
{
    /// <summary>How long a completed dedupe job's result is reused by identical jobs.</summary>
    [Range(1000, int.MaxValue)]
    public int TtlMs { get; init; } = 3_600_000;

    public TimeSpan Ttl => TimeSpan.FromMilliseconds(TtlMs);
}
