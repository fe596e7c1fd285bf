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

    /// <summary>The largest result an attempt may return (bytes of JSON); a larger one fails it, permanently.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxResultBytes { get; init; } = Jobs.Handlers.JobContext.DefaultMaxResultBytes;

    /// <summary>An attempt's error message is cut to this many characters (in the job, its history and the log).</summary>
    [Range(256, 1_048_576)]
    public int MaxErrorChars { get; init; } = 8 * 1024;

    /// <summary>A progress message or stage is cut to this many characters.</summary>
    [Range(16, 65_536)]
    public int MaxProgressChars { get; init; } = 1000;

    public TimeSpan CancelGracePeriod => TimeSpan.FromMilliseconds(CancelGraceMs);
    public TimeSpan ProgressInterval => TimeSpan.FromMilliseconds(ProgressIntervalMs);
}
