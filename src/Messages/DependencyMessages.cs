namespace Jobs.Messages;

/// <summary>
/// Partition of a waiting job → partition of its dependency: tell me (the sender) when
/// <see cref="JobId"/> ends. Re-sent periodically while the dependent waits, so a lost message
/// or a moved partition only delays the answer. Answered with <see cref="WatchedJobEnded"/> once
/// the job is terminal (at once if it already is).
/// </summary>
public sealed record WatchJob(int PartitionId, string JobId, string WatcherJobId) : IJobCommand, IWithJobId;

/// <summary>The watched job ended with <see cref="Status"/> (null: no such job exists).</summary>
public sealed record WatchedJobEnded(string JobId, string WatcherJobId, JobStatus? Status) : IJobsMessage;
