using Jobs.Actors.Partitions;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// The pure half of read-your-writes: which recent jobs a list wants from a node's
/// <see cref="LiveJobIndex"/> and how they merge with the read model's page (docs/architecture.md,
/// "Read-your-writes"). The same filter as <see cref="SqlJobReadStore.ListAsync"/>, on records.
/// </summary>
public static class LiveJobs
{
    /// <summary>What to ask every node for a page of <paramref name="q"/> whose SQL half is <paramref name="sql"/>.</summary>
    public static LiveJobsQuery Query(JobQuery q, DateTimeOffset now, JobPage sql) => new()
    {
        Query = q,
        Now = now,
        Limit = Math.Clamp(q.Limit, 1, 1000) + 1,
        Ids = sql.Items.Select(v => v.Id).ToArray(),
    };

    /// <summary>Whether a job in this state belongs in the list (its filters and, for a page, its cursor).</summary>
    public static bool Matches(LiveJobsQuery q, JobRecord job) => Filter.Of(q).Matches(job);

    /// <summary>A node's answer: its newest matching jobs (at most the query's limit) and the asked ids it knows.</summary>
    public static LiveJobsFound Answer(LiveJobsQuery q, IEnumerable<JobRecord> recent, Func<string, JobRecord?> find)
    {
        var filter = Filter.Of(q);
        if (q.StatusesOnly)
            return new LiveJobsFound([], []) { Statuses = recent.Where(filter.Matches).Take(q.Limit).Select(j => new LiveJobStatus(j.Id, j.Status)).ToArray() };
        var matching = recent.Where(filter.Matches)
            .OrderByDescending(j => Key(q.Query.DeadLettersOnly, j)).ThenByDescending(j => j.Id, StringComparer.Ordinal)
            .Take(q.Limit).ToArray();
        var known = q.Ids.Select(find).OfType<JobRecord>().ToArray();
        return matching.Length == 0 && known.Length == 0 ? LiveJobsFound.None : new LiveJobsFound(matching, known);
    }

    /// <summary>
    /// The page: each job in its newest state (a job's history length is its version — every
    /// journaled event adds an entry); a read-model row whose newer state no longer matches is
    /// dropped; a job only the live side knows joins when its key lies above the SQL page's last
    /// one (or the SQL page is the last), so the rows a cursor skips are exactly the ones the
    /// next page's range holds.
    /// </summary>
    public static JobPage Merge(LiveJobsQuery asked, JobPage sql, IEnumerable<LiveJobsFound> answers)
    {
        var newest = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        foreach (var answer in answers)
            foreach (var job in answer.Matching.Concat(answer.Known))
                if (!newest.TryGetValue(job.Id, out var seen) || job.History.Count > seen.History.Count)
                    newest[job.Id] = job;
        if (newest.Count == 0) return sql;

        var filter = Filter.Of(asked);
        var dlq = asked.Query.DeadLettersOnly;
        var rows = new List<JobView>(sql.Items.Count + newest.Count);
        var inSql = new HashSet<string>(StringComparer.Ordinal);
        foreach (var view in sql.Items)
        {
            inSql.Add(view.Id);
            if (newest.TryGetValue(view.Id, out var job) && job.History.Count > view.History.Count)
            {
                if (filter.Matches(job)) rows.Add(JobViews.Listed(job, asked.Now));
            }
            else rows.Add(view);
        }
        var floor = sql.NextCursor is null || sql.Items.Count == 0 ? ((long Key, string Id)?)null : (Key(dlq, sql.Items[^1]), sql.Items[^1].Id);
        foreach (var job in newest.Values)
        {
            if (inSql.Contains(job.Id) || !filter.Matches(job)) continue;
            if (floor is { } f && !Below(f.Key, f.Id, Key(dlq, job), job.Id)) continue;
            rows.Add(JobViews.Listed(job, asked.Now));
        }
        rows.Sort((a, b) => Below(Key(dlq, a), a.Id, Key(dlq, b), b.Id) ? 1 : a.Id == b.Id ? 0 : -1);

        var limit = asked.Limit - 1;
        var cut = rows.Count > limit;
        if (cut) rows.RemoveRange(limit, rows.Count - limit);
        string? next = null;
        if (cut || sql.NextCursor is not null) next = rows.Count > 0 ? JobCursor.Encode(Key(dlq, rows[^1]), rows[^1].Id) : sql.NextCursor;
        return new JobPage(rows, next);
    }

    /// <summary>What a tenant's batch counts (<see cref="IJobReadStore.CountByStatusAsync"/>) ask every node.</summary>
    public static LiveJobsQuery BatchStatuses(string batchId, string tenant) =>
        new() { Query = new JobQuery { BatchId = batchId, Tenant = tenant }, StatusesOnly = true, Limit = LiveJobIndex.MaxRecords };

    /// <summary>
    /// The read model's counts with each job a node knows moved from its read-model status to its live one
    /// (the live index holds a job's latest durable state: a partition that stops drops its jobs).
    /// </summary>
    public static IReadOnlyDictionary<JobStatus, int> Counts(IReadOnlyDictionary<JobStatus, int> sql,
        IReadOnlyDictionary<string, JobStatus> live, IReadOnlyDictionary<string, JobStatus> sqlStatuses)
    {
        if (live.Count == 0) return sql;
        var counts = new Dictionary<JobStatus, int>(sql);
        foreach (var (id, status) in live)
        {
            if (sqlStatuses.TryGetValue(id, out var old)) counts[old] = counts.GetValueOrDefault(old) - 1;
            counts[status] = counts.GetValueOrDefault(status) + 1;
        }
        foreach (var (status, n) in counts.ToArray())
            if (n <= 0) counts.Remove(status);
        return counts;
    }

    /// <summary>A query's filter with its cursor decoded once, applied to records as SQL applies it to rows.</summary>
    private sealed record Filter(JobQuery Q, DateTimeOffset Now, (long Ticks, string Id)? Below)
    {
        public static Filter Of(LiveJobsQuery q) => new(q.Query, q.Now, JobCursor.Decode(q.Query.Cursor));

        public bool Matches(JobRecord job)
        {
            if (Q.DeadLettersOnly && !InDeadLetters(job)) return false;
            var due = job is { Status: JobStatus.Scheduled, RunAt: { } runAt } && runAt <= Now;
            var listed = Q.Status switch
            {
                null => true,
                JobStatus.Pending => job.Status == JobStatus.Pending || due,
                JobStatus.Scheduled => job.Status == JobStatus.Scheduled && !due,
                var s => job.Status == s,
            };
            return listed
                   && (Q.Type is null || Q.Type == job.Spec.Type)
                   && (Q.Queue is null || Q.Queue == job.Spec.Queue)
                   && (Q.Tenant is null || Q.Tenant == job.Spec.Tenant)
                   && (Q.BatchId is null || Q.BatchId == job.BatchId)
                   && (Q.ScheduleId is null || Q.ScheduleId == job.Spec.ScheduleId)
                   && (Q.CreatedFrom is not { } from || job.CreatedAt >= from)
                   && (Q.CreatedTo is not { } to || job.CreatedAt < to)
                   && (Q.Search is not { } text || job.Id.StartsWith(text, StringComparison.Ordinal) || MetadataValues.Contains(job.Spec.Metadata, text))
                   && (Below is not { } below || LiveJobs.Below(Key(Q.DeadLettersOnly, job), job.Id, below.Ticks, below.Id));
        }
    }

    /// <summary>In the dead-letter queue: failed and not purged (a purge keeps the status, adds the entry).</summary>
    public static bool InDeadLetters(JobRecord job) => job.Status == JobStatus.Failed && job.History[^1].Event != HistoryEvents.Purged;

    /// <summary>The list's sort key: when the job was created, or in the DLQ when it failed.</summary>
    public static long Key(bool deadLetters, JobRecord job) => (deadLetters ? job.CompletedAt ?? job.CreatedAt : job.CreatedAt).UtcTicks;

    private static long Key(bool deadLetters, JobView view) => (deadLetters ? view.CompletedAt ?? view.CreatedAt : view.CreatedAt).UtcTicks;

    /// <summary>Whether (key, id) comes below (otherKey, otherId) in a newest-first list.</summary>
    private static bool Below(long key, string id, long otherKey, string otherId) =>
        key < otherKey || (key == otherKey && string.CompareOrdinal(id, otherId) < 0);
}
