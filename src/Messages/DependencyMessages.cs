namespace Jobs.Messages;

/// <summary>
/// Partition of a waiting job → partition of its dependency: tell me (the sender) when
/// <see cref="JobId"/> ends. Sent once per waiting job and dependency, and again only when either
/// partition recovers (docs/architecture.md, "Dependencies"). Answered with
/// <see cref="WatchedJobEnded"/> once the job is terminal (at once if it already is).
/// </summary>
public sealed record WatchJob(int PartitionId, string JobId, string WatcherJobId) : IJobCommand, IWithJobId;

/// <summary>The watched job ended with <see cref="Status"/> (null: no such job exists).</summary>
public sealed record WatchedJobEnded(string JobId, string WatcherJobId, JobStatus? Status) : IJobsMessage;

/// <summary>
/// Partition <see cref="Recovered"/> → every other partition (<see cref="PartitionId"/>): I started
/// with no watches registered; send again the watches of your waiting jobs on my jobs.
/// </summary>
public sealed record PartitionRecovered(int PartitionId, int Recovered) : IJobCommand;
