using Jobs.Messages;

namespace Jobs.Actors.Partitions;

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

    /// <summary>How one job of a submission is answered.</summary>
    public enum Submission { Accepted, RepeatInMessage, Known, Refused }

    /// <summary>A job's outcome, with the events waiting for the journal when it was decided (the reason of a refusal).</summary>
    public readonly record struct SubmitOutcome(Submission Kind, int EventsWaiting);

    /// <summary>
    /// The jobs of one submission message, decided in order as if each came alone: refused while
    /// <paramref name="maxEventsWaiting"/> events wait for the journal (a job the partition knows
    /// is answered anyway), already known, a repeat of an id accepted earlier in the message, or
    /// new — whose acceptances are returned in order, to be committed together.
    /// </summary>
    public static (IReadOnlyList<IJobEvent> Accepted, SubmitOutcome[] Outcomes) SubmitAll(PartitionState state, IReadOnlyList<SubmitJob> jobs,
        int eventsWaiting, int maxEventsWaiting, DateTimeOffset now)
    {
        var accepted = new List<IJobEvent>();
        var acceptedIds = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new SubmitOutcome[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var waiting = eventsWaiting + accepted.Count;
            if (acceptedIds.Contains(job.JobId)) outcomes[i] = new(Submission.RepeatInMessage, waiting);
            else if (waiting >= maxEventsWaiting && !state.Knows(job.JobId)) outcomes[i] = new(Submission.Refused, waiting);
            else if (Submit(state, job, now) is Persist p)
            {
                acceptedIds.Add(job.JobId);
                accepted.AddRange(p.Events);
                outcomes[i] = new(Submission.Accepted, waiting);
            }
            else outcomes[i] = new(Submission.Known, waiting);
        }
        return (accepted, outcomes);
    }

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

    /// <summary>
    /// The next attempt of the best pending job (of <paramref name="tenant"/>'s, when given, and
    /// among those whose limit key <paramref name="mayStart"/> allows), or null when there is none.
    /// </summary>
    public static JobAttemptStarted? StartNext(PartitionState state, string node, DateTimeOffset now, string? tenant = null, Func<string, bool>? mayStart = null) =>
        (tenant is null ? state.Head : state.HeadOf(tenant, mayStart)) is { } head ? new JobAttemptStarted(head.Id, head.Attempts + 1, node, now) : null;

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
