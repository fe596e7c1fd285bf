using Jobs.Messages;

namespace Jobs.Actors.Batches;

/// <summary>A batch coordinator's durable state. Immutable; <see cref="Apply"/> is pure.</summary>
public sealed record BatchState(string? Tenant, IReadOnlyList<string> JobIds, bool Accepted, bool Completed)
{
    public static readonly BatchState Empty = new(null, [], false, false);

    public BatchState Apply(object e) => e switch
    {
        BatchAccepted a when !Accepted => this with { Tenant = a.Tenant, JobIds = a.JobIds, Accepted = true },
        BatchCompleted when Accepted => this with { Completed = true },
        _ => this,
    };

    /// <summary>
    /// The batch's view from the read model's counts: jobs not projected yet count as pending while
    /// the batch runs; once it has completed, a job the read model no longer has has expired.
    /// </summary>
    public BatchView View(string batchId, IReadOnlyDictionary<JobStatus, int> counts, string node, bool created)
    {
        int Count(JobStatus s) => counts.GetValueOrDefault(s);
        var total = JobIds.Count;
        var running = Count(JobStatus.Running);
        var completed = Count(JobStatus.Completed);
        var failed = Count(JobStatus.Failed);
        var cancelled = Count(JobStatus.Cancelled);
        var missing = Math.Max(0, total - running - completed - failed - cancelled - Count(JobStatus.Pending) - Count(JobStatus.Scheduled));
        var pending = Count(JobStatus.Pending) + Count(JobStatus.Scheduled) + (Completed ? 0 : missing);
        var done = Completed || (Accepted && completed + failed + cancelled >= total);
        return new BatchView(batchId, Tenant ?? "default", total, pending, running, completed, failed, cancelled,
            done ? "completed" : "running", node, created, JobIds, Completed ? missing : 0);
    }

    /// <summary>A completed batch none of whose jobs the read model has any more: it expired with its last job.</summary>
    public bool ExpiredBy(IReadOnlyDictionary<JobStatus, int> counts) => Completed && counts.Values.Sum() == 0;

    public static bool AllEnded(IReadOnlyDictionary<JobStatus, int> counts, int total) =>
        counts.GetValueOrDefault(JobStatus.Completed) + counts.GetValueOrDefault(JobStatus.Failed) + counts.GetValueOrDefault(JobStatus.Cancelled) >= total;
}
