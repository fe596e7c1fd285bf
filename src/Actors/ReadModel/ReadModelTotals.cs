using Jobs.Actors.Partitions;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>How many jobs a tenant (or every tenant) has in each status, and in the dead-letter queue.</summary>
public sealed record JobCounts(IReadOnlyDictionary<JobStatus, long> ByStatus, long DeadLetters)
{
    public long Total => ByStatus.Values.Sum();
}

/// <summary>A batch as the read model counts its jobs (<c>pending</c> includes <c>scheduled</c>).</summary>
public sealed record BatchRow(string Id, string Tenant, DateTimeOffset CreatedAt, int Total, int Pending, int Running, int Completed, int Failed, int Cancelled)
{
    /// <summary><c>completed</c> once every job the read model has of it has ended, else <c>running</c>.</summary>
    public string Status => Total > 0 && Completed + Failed + Cancelled >= Total ? "completed" : "running";
}

public sealed record BatchPage(IReadOnlyList<BatchRow> Items, string? NextCursor);

/// <summary>
/// What one projected group of events changes in the read model's maintained tables: the per-tenant
/// counts per status (<c>job_counts</c>), each batch's counts (<c>batches</c>) and the searchable
/// metadata values of new jobs (<c>job_meta</c>). Pure: the rows before and after the group in, the
/// changes out; the store writes them in the group's transaction, so they are exactly as durable
/// as the rows (docs/architecture.md, "Dashboard").
/// </summary>
public sealed class ReadModelTotals
{
    /// <summary>The pseudo-status under which <c>job_counts</c> counts the dead-letter queue.</summary>
    public const string DeadLetters = "dlq";

    public Dictionary<(string Tenant, string Status), long> Counts { get; } = [];
    public Dictionary<(string Tenant, string BatchId), BatchDelta> Batches { get; } = [];
    public List<(string Value, string JobId)> MetadataValues { get; } = [];

    public bool IsEmpty => Counts.Count == 0 && Batches.Count == 0 && MetadataValues.Count == 0;

    /// <summary>A batch's changes: jobs added, moved between buckets, and the earliest creation time seen.</summary>
    public sealed class BatchDelta
    {
        public long CreatedAt { get; set; } = long.MaxValue;
        public int Total { get; set; }
        public int Pending { get; set; }
        public int Running { get; set; }
        public int Completed { get; set; }
        public int Failed { get; set; }
        public int Cancelled { get; set; }

        public void Add(JobStatus status, int n)
        {
            switch (status)
            {
                case JobStatus.Pending or JobStatus.Scheduled: Pending += n; break;
                case JobStatus.Running: Running += n; break;
                case JobStatus.Completed: Completed += n; break;
                case JobStatus.Failed: Failed += n; break;
                case JobStatus.Cancelled: Cancelled += n; break;
            }
        }
    }

    /// <summary>
    /// The changes from each job's row before the group (<paramref name="before"/>: absent for a job
    /// the group accepted) to its row after it (its record and whether it is in the DLQ).
    /// </summary>
    public static ReadModelTotals Of(IReadOnlyDictionary<string, (JobRecord Job, bool InDlq)> before, IEnumerable<(JobRecord Job, bool InDlq)> after)
    {
        var totals = new ReadModelTotals();
        foreach (var (job, inDlq) in after)
        {
            var old = before.TryGetValue(job.Id, out var o) ? o : ((JobRecord Job, bool InDlq)?)null;
            if (old is { } was) totals.Count(was.Job, was.InDlq, -1);
            totals.Count(job, inDlq, +1);
            if (job.BatchId is { } batchId)
            {
                var key = (job.Spec.Tenant, batchId);
                if (!totals.Batches.TryGetValue(key, out var delta)) totals.Batches[key] = delta = new BatchDelta();
                if (old is { } w) delta.Add(w.Job.Status, -1);
                else delta.Total++;
                delta.Add(job.Status, +1);
                delta.CreatedAt = Math.Min(delta.CreatedAt, job.CreatedAt.UtcTicks);
            }
            if (old is null)
                foreach (var value in Messages.MetadataValues.Of(job.Spec.Metadata))
                    totals.MetadataValues.Add((value, job.Id));
        }
        foreach (var (key, n) in totals.Counts.ToArray())
            if (n == 0) totals.Counts.Remove(key);
        return totals;
    }

    /// <summary>Rows deleted (their retention ran out), as they were stored: out of the counts and their batches.</summary>
    public static ReadModelTotals Removed(IEnumerable<(JobRecord Job, bool InDlq)> deleted)
    {
        var totals = new ReadModelTotals();
        foreach (var (job, inDlq) in deleted)
        {
            totals.Count(job, inDlq, -1);
            if (job.BatchId is not { } batchId) continue;
            var key = (job.Spec.Tenant, batchId);
            if (!totals.Batches.TryGetValue(key, out var delta)) totals.Batches[key] = delta = new BatchDelta();
            delta.Total--;
            delta.Add(job.Status, -1);
        }
        return totals;
    }

    private void Count(JobRecord job, bool inDlq, int n)
    {
        var status = (job.Spec.Tenant, JobRules.Status(job.Status));
        Counts[status] = Counts.GetValueOrDefault(status) + n;
        if (!inDlq) return;
        var dlq = (job.Spec.Tenant, DeadLetters);
        Counts[dlq] = Counts.GetValueOrDefault(dlq) + n;
    }
}
