using Jobs.Messages;

namespace Jobs.Actors.Supervision;

/// <summary>Decisions of a partition: which events a command produces. Pure.</summary>
public static class JobRules
{
    public abstract record Decision;
    public sealed record Persist(IReadOnlyList<IJobEvent> Events) : Decision;
    public sealed record AlreadyExists(JobRecord? Job) : Decision;
    public sealed record NotFound : Decision;
    public sealed record Conflict(JobStatus Status, string Detail) : Decision;
    /// <summary>The job is running: its runner must be told to cancel.</summary>
    public sealed record CancelRunning(JobRecord Job) : Decision;

    public static Decision Submit(PartitionState state, SubmitJob cmd, DateTimeOffset now) =>
        state.Knows(cmd.JobId)
            ? new AlreadyExists(state.Find(cmd.JobId))
            : new Persist([new JobAccepted(cmd.JobId, cmd.Spec, cmd.BatchId, now)]);

    public static Decision Cancel(PartitionState state, string jobId, DateTimeOffset now) => state.Find(jobId) switch
    {
        null => new NotFound(),
        { Status: JobStatus.Running } job => new CancelRunning(job),
        { Status: JobStatus.Pending or JobStatus.Scheduled } job =>
            new Persist([new JobCancelled(job.Id, FailureKind.Cancelled, "cancelled by request", now)]),
        var job => new Conflict(job.Status, $"job is {Status(job.Status)}; only pending, scheduled or running jobs can be cancelled"),
    };

    public static Decision Requeue(PartitionState state, string jobId, DateTimeOffset now) => state.Find(jobId) switch
    {
        null => new NotFound(),
        { Status: JobStatus.Failed } job => new Persist([new JobRequeued(job.Id, now)]),
        var job => new Conflict(job.Status, $"job is {Status(job.Status)}; only failed jobs can be requeued"),
    };

    public static Decision Purge(PartitionState state, string jobId, DateTimeOffset now) => state.Find(jobId) switch
    {
        null => new NotFound(),
        { Status: JobStatus.Failed } job => new Persist([new JobPurged(job.Id, now)]),
        var job => new Conflict(job.Status, $"job is {Status(job.Status)}; only failed jobs are in the DLQ"),
    };

    /// <summary>The next attempt of the head of the pending queue, or null when nothing is pending.</summary>
    public static JobAttemptStarted? StartNext(PartitionState state, string node, DateTimeOffset now) =>
        state.Head is { } head ? new JobAttemptStarted(head.Id, head.Attempts + 1, node, now) : null;

    /// <summary>
    /// After recovery: attempts that were running when the partition stopped were interrupted.
    /// They count (a job that kills its node every time still ends in the DLQ), but the retry is
    /// due at once: the job did not fail, its node did, so no backoff delays the failover.
    /// </summary>
    public static IReadOnlyList<IJobEvent> Interrupted(PartitionState state, DateTimeOffset now, Func<double> random01) =>
        state.Running
            .OrderBy(j => j.Order)
            .SelectMany(j => RetryPolicy.AfterFailure(j, j.Attempts, FailureKind.Transient,
                $"attempt {j.Attempts} was interrupted: its node stopped or the partition moved", now, random01()))
            .Select(e => e is JobRetryScheduled r ? r with { RunAt = now } : e)
            .ToArray();

    public static string Status(JobStatus s) => s.ToString().ToLowerInvariant();
}
