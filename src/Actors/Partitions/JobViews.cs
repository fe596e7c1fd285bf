using Jobs.Messages;

namespace Jobs.Actors.Partitions;

public static class JobViews
{
    /// <summary>A job as a list shows it: a scheduled job whose time has come is pending (being due is a function of time).</summary>
    public static JobView Listed(JobRecord job, DateTimeOffset now) =>
        From(job is { Status: JobStatus.Scheduled, RunAt: { } due } && due <= now ? job with { Status = JobStatus.Pending } : job, null);

    public static JobView From(JobRecord job, JobProgress? progress) => new()
    {
        Id = job.Id,
        Type = job.Spec.Type,
        Queue = job.Spec.Queue,
        Priority = job.Spec.Priority,
        Status = job.Status,
        Attempts = job.Attempts,
        MaxAttempts = job.Spec.MaxAttempts,
        Progress = progress,
        Result = job.Result,
        Error = job.Error,
        CreatedAt = job.CreatedAt,
        StartedAt = job.StartedAt,
        CompletedAt = job.CompletedAt,
        RunAt = job.RunAt,
        Node = job.Node,
        BatchId = job.BatchId,
        Tenant = job.Spec.Tenant,
        Metadata = job.Spec.Metadata,
        History = job.History,
        ScheduleId = job.Spec.ScheduleId,
        ScheduledFor = job.Spec.ScheduledFor,
        Misfired = job.Spec.Misfired,
        LimitKey = job.Spec.LimitKey,
        ExpiresAt = job.ExpiresAt,
    };
}
