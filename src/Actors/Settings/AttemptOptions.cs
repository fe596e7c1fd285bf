using System.ComponentModel.DataAnnotations;

namespace Jobs.Actors.Settings;

/// <summary>How one attempt of a job is run.</summary>
public sealed record AttemptOptions
{
    /// <summary>After a cancel, how long a running handler has to stop before the attempt is ended anyway.</summary>
    [Range(0, 3_600_000)]
    public int CancelGraceMs { get; init; } = 5000;

    /// <summary>At most one progress update per attempt leaves the node per interval (the last one always does).</summary>
    [Range(10, 60_000)]
    public int ProgressIntervalMs { get; init; } = 250;

    public TimeSpan CancelGracePeriod => TimeSpan.FromMilliseconds(CancelGraceMs);
    public TimeSpan ProgressInterval => TimeSpan.FromMilliseconds(ProgressIntervalMs);
}
