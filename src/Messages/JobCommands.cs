namespace Jobs.Messages;

/// <summary>Submit one job. Answered with <see cref="JobSubmitted"/> once the job is durable.</summary>
public sealed record SubmitJob(int PartitionId, string JobId, JobSpec Spec, string? BatchId = null) : IJobCommand, IWithJobId;

/// <summary>
/// Submit several jobs of one partition in one message (a batch's jobs, grouped by partition).
/// Answered with one <see cref="JobsSubmitted"/> once every one is durable or refused.
/// </summary>
public sealed record SubmitJobs(int PartitionId, IReadOnlyList<SubmitJob> Jobs) : IJobCommand
{
    /// <summary>Answer with each job's view too (<see cref="JobsSubmitted.Views"/>): single submissions sent together.</summary>
    public bool WithViews { get; init; }
}

/// <summary>Answered with <see cref="JobFound"/>, <see cref="JobNotFound"/> or <see cref="JobConflict"/>.</summary>
public sealed record CancelJob(int PartitionId, string JobId) : IJobCommand, IWithJobId;

public sealed record RequeueJob(int PartitionId, string JobId) : IJobCommand, IWithJobId;

public sealed record PurgeJob(int PartitionId, string JobId) : IJobCommand, IWithJobId;

public sealed record GetJob(int PartitionId, string JobId) : IJobQuery, IWithJobId;

/// <summary>Answered with <see cref="PartitionStatus"/>.</summary>
public sealed record GetPartitionStatus(int PartitionId) : IJobQuery;
