namespace Jobs.Messages;

public interface IJobReply : IJobsMessage;

/// <param name="Created">false when an idempotency key matched an existing job.</param>
/// <param name="View">null only when the job exists but is no longer in the partition's memory.</param>
public sealed record JobSubmitted(string JobId, bool Created, JobView? View) : IJobReply;

/// <summary>The answer to <see cref="SubmitJobs"/>, in its order: what became of each job (and its view, when asked for).</summary>
/// <param name="Created">per job: stored now (true) or already known (false).</param>
/// <param name="Rejected">per job: why it was refused (the partition is saturated), or null.</param>
public sealed record JobsSubmitted(IReadOnlyList<string> JobIds, IReadOnlyList<bool> Created, IReadOnlyList<string?> Rejected) : IJobReply
{
    /// <summary>Per job, its view once durable (null if refused); only when <see cref="SubmitJobs.WithViews"/>.</summary>
    public IReadOnlyList<JobView?>? Views { get; init; }
}

public sealed record JobFound(JobView View) : IJobReply;

/// <summary>The partition is saturated (its journal is behind); nothing was stored. Retry later.</summary>
public sealed record JobRejected(string JobId, string Reason) : IJobReply;

/// <param name="MaybeArchived">the partition does not hold it; the read model may (finished long ago).</param>
public sealed record JobNotFound(string JobId, bool MaybeArchived) : IJobReply;

public sealed record JobConflict(string JobId, JobStatus Status, string Detail) : IJobReply;

/// <param name="RecoveredFromSnapshotAt">sequence number of the snapshot the partition recovered from (0: none).</param>
/// <param name="EventsReplayed">events replayed on top of that snapshot at recovery.</param>
public sealed record PartitionStatus(
    int PartitionId,
    int JobsInMemory,
    int Pending,
    int Scheduled,
    int Running,
    int DeadLetters,
    long LastSequenceNr,
    long RecoveredFromSnapshotAt,
    long EventsReplayed,
    string Node) : IJobReply;
