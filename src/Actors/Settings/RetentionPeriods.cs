using Jobs.Messages;

namespace Jobs.Actors.Settings;

/// <summary>How long a finished job is kept, per status, unless the job sets its own <c>retention</c>.</summary>
public sealed record RetentionPeriods(TimeSpan Completed, TimeSpan Failed, TimeSpan Cancelled)
{
    public static readonly RetentionPeriods Default = new(TimeSpan.FromHours(24), TimeSpan.FromDays(7), TimeSpan.FromHours(24));

    /// <summary>The shortest retention accepted (settings and jobs).</summary>
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(1);

    /// <summary>The longest retention a setting accepts.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    /// <summary>The retention of a job that ended in <paramref name="status"/> (a non-terminal status has none).</summary>
    public TimeSpan? For(JobStatus status) => status switch
    {
        JobStatus.Completed => Completed,
        JobStatus.Failed => Failed,
        JobStatus.Cancelled => Cancelled,
        _ => null,
    };
}
