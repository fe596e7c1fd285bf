using Jobs.Messages;

namespace Jobs.Actors.Partitions;

public static class JobViews
{
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
    };
}
