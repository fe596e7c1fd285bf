using System.Collections.Immutable;
using Jobs.Actors.Placement;
using Jobs.Actors.Settings;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// The jobs a partition holds in memory: every non-terminal job and the failed ones (the DLQ,
/// until requeued, purged or expired). Completed and cancelled jobs leave it. Ended jobs get their
/// expiry (<see cref="JobRecord.ExpiresAt"/>, from <see cref="Retention"/>); the ids the partition still
/// recognises once ended are in <see cref="Expiring"/> until <see cref="JobsExpired"/> removes them.
/// Immutable; <see cref="Apply"/> is pure and is the only way state changes, for recovery and live
/// updates alike.
/// </summary>
public sealed record PartitionState(
    ImmutableDictionary<string, JobRecord> Jobs,
    ImmutableSortedSet<PendingKey> Pending,
    ImmutableSortedSet<DueKey> Scheduled,
    ImmutableHashSet<string> KeyedIds,
    long NextOrder)
{
    /// <summary>How many of the latest accepted ids a partition remembers after they finish (duplicate-submit guard).</summary>
    public const int RecentIdCapacity = 4096;

    /// <summary>The latest accepted ids, oldest first (bounded): a resubmitted id is recognised even after its job finished.</summary>
    public ImmutableQueue<string> RecentIds { get; init; } = ImmutableQueue<string>.Empty;
    public ImmutableHashSet<string> RecentIdSet { get; init; } = ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    /// <summary>How long ended jobs are kept by status (the node's settings; a job's own <c>retention</c> wins).</summary>
    public RetentionPeriods Retention { get; init; } = RetentionPeriods.Default;

    /// <summary>Ended jobs the partition holds (failed) or recognises (idempotency keys, recent ids), with their expiry.</summary>
    public ExpiryIndex Expiring { get; init; } = ExpiryIndex.Empty;

    /// <summary>The earliest expiry, not yet swept, of an ended job the partition no longer recognises (its read-model row waits for it).</summary>
    public DateTimeOffset? UntrackedFrom { get; init; }

    /// <summary>The latest such expiry: once a sweep passes it, no untracked row is left.</summary>
    public DateTimeOffset? UntrackedUntil { get; init; }

    /// <summary>When the next sweep is due (<see cref="RetentionRules.Expire"/>).</summary>
    public DateTimeOffset? NextExpiry => (Expiring.Next, UntrackedFrom) switch
    {
        ({ } a, { } b) => a < b ? a : b,
        var (a, b) => a ?? b,
    };

    public static readonly PartitionState Empty = new(
        ImmutableDictionary<string, JobRecord>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedSet<PendingKey>.Empty,
        ImmutableSortedSet<DueKey>.Empty,
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        0);

    public JobRecord? Find(string jobId) => Jobs.GetValueOrDefault(jobId);

    public bool Knows(string jobId) => Jobs.ContainsKey(jobId) || KeyedIds.Contains(jobId) || RecentIdSet.Contains(jobId);

    /// <summary>How many tenants' heads a partition offers its node's gate at most (the best ones).</summary>
    public const int MaxTenantHeads = 64;

    /// <summary>One (tenant, limit key)'s pending jobs: its best job's key and how many there are.</summary>
    public readonly record struct PendingRun(PendingKey Head, int Count)
    {
        public string Tenant => Head.Tenant;
        public string Limit => Head.Limit;
    }

    /// <summary>The best pending job of any tenant (priority, then acceptance), whatever its limit key.</summary>
    public JobRecord? Head => Best(PendingRuns(), null);

    /// <summary>The best pending job of <paramref name="tenant"/> whose limit key may start (null: any), or null.</summary>
    public JobRecord? HeadOf(string tenant, Func<string, bool>? mayStart = null) => Best(RunsOf(tenant), mayStart);

    /// <summary>Each tenant's best pending job whose limit key may start (null: any), the best <see cref="MaxTenantHeads"/> of them, best first.</summary>
    public IReadOnlyList<TenantHead> TenantHeads(Func<string, bool>? mayStart = null)
    {
        if (Pending.Count == 0) return [];
        var heads = new List<TenantHead>();
        PendingKey? best = null;
        foreach (var run in PendingRuns())
        {
            if (best is { } b && b.Tenant != run.Tenant)
            {
                heads.Add(HeadOfKey(b));
                best = null;
            }
            if ((mayStart is null || run.Limit.Length == 0 || mayStart(run.Limit)) && (best is null || run.Head.Before(best.Value))) best = run.Head;
        }
        if (best is { } last) heads.Add(HeadOfKey(last));
        if (heads.Count <= 1) return heads;
        heads.Sort((a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Ticks.CompareTo(b.Ticks));
        if (heads.Count > MaxTenantHeads) heads.RemoveRange(MaxTenantHeads, heads.Count - MaxTenantHeads);
        return heads;
    }

    /// <summary>Every (tenant, limit key) run of the pending set, in order: one search per run.</summary>
    public IEnumerable<PendingRun> PendingRuns() => RunsFrom(0, null);

    private IEnumerable<PendingRun> RunsOf(string tenant)
    {
        if (Pending.Count == 0) return [];
        var i = Pending.IndexOf(PendingKey.First(tenant));
        return RunsFrom(i < 0 ? ~i : i, tenant);
    }

    private IEnumerable<PendingRun> RunsFrom(int i, string? tenant)
    {
        while (i < Pending.Count)
        {
            var key = Pending[i];
            if (tenant is not null && key.Tenant != tenant) yield break;
            var next = Pending.IndexOf(PendingKey.After(key.Tenant, key.Limit));
            next = next < 0 ? ~next : next;
            yield return new PendingRun(key, next - i);
            i = next;
        }
    }

    private JobRecord? Best(IEnumerable<PendingRun> runs, Func<string, bool>? mayStart)
    {
        PendingKey? best = null;
        foreach (var run in runs)
            if ((mayStart is null || run.Limit.Length == 0 || mayStart(run.Limit)) && (best is null || run.Head.Before(best.Value))) best = run.Head;
        return best is { } b ? Jobs[b.JobId] : null;
    }

    private TenantHead HeadOfKey(PendingKey key) => new(key.Tenant, key.Priority, Jobs[key.JobId].CreatedAt.UtcTicks);

    public DateTimeOffset? NextDue => Scheduled.Count == 0 ? null : Scheduled.Min.RunAt;

    public IEnumerable<JobRecord> Running => Jobs.Values.Where(j => j.Status == JobStatus.Running);

    /// <summary>Jobs waiting for their dependencies.</summary>
    public IEnumerable<JobRecord> Waiting => Jobs.Values.Where(j => j.WaitingFor.Count > 0 && j.Status == JobStatus.Scheduled);

    /// <summary>Applies one event. Returns the new state and the job's record after the event (null if unknown).</summary>
    public (PartitionState State, JobRecord? Job) Apply(IJobEvent e)
    {
        if (e is JobAccepted a) return Accept(a);
        if (e is JobsExpired x) return (Expire(x), null);
        if (!Jobs.TryGetValue(e.JobId, out var job)) return (this, null);
        return e switch
        {
            JobAttemptStarted s => Replace(job, job with
            {
                Status = JobStatus.Running,
                Attempts = s.Attempt,
                StartedAt = s.At,
                RunAt = null,
                Node = s.Node,
                History = Append(job, s.At, HistoryEvents.Started, s.Attempt, s.Node, null),
            }),
            JobAttemptFailed f => Replace(job, job with
            {
                Error = new JobError(f.Kind, f.Message),
                History = Append(job, f.At, HistoryEvents.AttemptFailed, f.Attempt, job.Node, $"{KindName(f.Kind)}: {f.Message}"),
            }),
            JobRetryScheduled r => Replace(job, job with
            {
                Status = JobStatus.Scheduled,
                RunAt = r.RunAt,
                History = Append(job, r.At, HistoryEvents.RetryScheduled, r.NextAttempt, null, $"attempt {r.NextAttempt} at {r.RunAt:O}"),
            }),
            JobCompleted c => Ended(Remove(job with
            {
                Status = JobStatus.Completed,
                Result = c.Result,
                Error = null,
                CompletedAt = c.At,
                ExpiresAt = ExpiryOf(job, JobStatus.Completed, c.At),
                History = Append(job, c.At, HistoryEvents.Completed, c.Attempt, job.Node,
                    c.ReusedFrom is null ? null : $"result reused from job {c.ReusedFrom} (dedupe); the handler did not run"),
            })),
            JobDeadLettered d => Ended(Replace(job, job with
            {
                Status = JobStatus.Failed,
                Error = new JobError(d.Kind, d.Message),
                CompletedAt = d.At,
                ExpiresAt = ExpiryOf(job, JobStatus.Failed, d.At),
                RunAt = null,
                History = Append(job, d.At, HistoryEvents.Failed, job.Attempts, job.Node, $"{KindName(d.Kind)}: {d.Message}"),
            })),
            JobCancelled c => Ended(Remove(job with
            {
                Status = JobStatus.Cancelled,
                Error = new JobError(c.Kind, c.Reason),
                CompletedAt = c.At,
                ExpiresAt = ExpiryOf(job, JobStatus.Cancelled, c.At),
                RunAt = null,
                History = Append(job, c.At, HistoryEvents.Cancelled, job.Attempts == 0 ? null : job.Attempts, null, c.Reason),
            })),
            JobRequeued q => Requeue(job, q),
            JobAttemptHandedOff h when job.Status == JobStatus.Running && job.Attempts == h.Attempt => Replace(job, job with
            {
                Status = JobStatus.Pending,
                Attempts = h.Attempt - 1,
                History = Append(job, h.At, HistoryEvents.HandedOff, h.Attempt, h.Node, "partition handed off while the attempt ran; it runs again and does not count"),
            }),
            JobDependencyMet m when job.WaitingFor.Contains(m.DependencyId) => DependencyMet(job, m),
            JobPurged p => Remove(job with { History = Append(job, p.At, HistoryEvents.Purged, null, null, null) }),
            _ => (this, job),
        };
    }

    /// <summary>
    /// Applies the events in order: the same result as <see cref="Apply"/> one by one (state, and
    /// each event's job before and after it), with each run of acceptances applied together
    /// (<see cref="AcceptRun"/>): a batch's submissions, a group-commit row on recovery.
    /// </summary>
    public (PartitionState State, (JobRecord? Before, JobRecord? After)[] Changes) ApplyAll(IReadOnlyList<IJobEvent> events)
    {
        var changes = new (JobRecord? Before, JobRecord? After)[events.Count];
        var state = this;
        var i = 0;
        while (i < events.Count)
        {
            var end = i;
            while (end < events.Count && events[end] is JobAccepted) end++;
            if (end > i)
            {
                state = state.AcceptRun(events, i, end, changes);
                i = end;
                continue;
            }
            var before = state.Find(events[i].JobId);
            (state, var after) = state.Apply(events[i]);
            changes[i] = (before, after);
            i++;
        }
        return (state, changes);
    }

    /// <summary>Moves scheduled jobs whose time has come to the pending queue (being due is a function of time, not an event).</summary>
    public PartitionState PromoteDue(DateTimeOffset now)
    {
        if (Scheduled.Count == 0 || Scheduled.Min.RunAt > now) return this;
        var jobs = Jobs.ToBuilder();
        var pending = Pending.ToBuilder();
        var scheduled = Scheduled.ToBuilder();
        foreach (var due in Scheduled.TakeWhile(d => d.RunAt <= now))
        {
            scheduled.Remove(due);
            var job = jobs[due.JobId];
            jobs[due.JobId] = job with { Status = JobStatus.Pending };
            pending.Add(KeyOf(job));
        }
        return this with { Jobs = jobs.ToImmutable(), Pending = pending.ToImmutable(), Scheduled = scheduled.ToImmutable() };
    }

    public PartitionSnapshot ToSnapshot() => new(Jobs.Values.ToArray(), KeyedIds.ToArray(), NextOrder)
    {
        RecentIds = RecentIds.ToArray(),
        Expiring = Expiring.Entries.ToArray(),
        UntrackedFrom = UntrackedFrom,
        UntrackedUntil = UntrackedUntil,
    };

    /// <param name="retention">the node's retention (ended jobs of a snapshot written before retention get theirs from it).</param>
    /// <param name="takenAt">when the snapshot was saved: an idempotency key of such a snapshot whose job had ended is kept for the completed retention from then.</param>
    public static PartitionState FromSnapshot(PartitionSnapshot s, RetentionPeriods? retention = null, DateTimeOffset? takenAt = null)
    {
        var periods = retention ?? RetentionPeriods.Default;
        // failed jobs of a snapshot written before retention have no expiry: their end plus the failed retention
        var jobs = s.Jobs.Select(j => j is { Status: JobStatus.Failed, ExpiresAt: null, CompletedAt: { } end } ? j with { ExpiresAt = end + periods.Failed } : j).ToArray();
        var expiring = ExpiryIndex.From(s.Expiring);
        foreach (var j in jobs)
            if (j is { Status: JobStatus.Failed, ExpiresAt: { } at } && !expiring.Contains(j.Id)) expiring = expiring.Add(j.Id, at);
        var live = jobs.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in s.KeyedIds)
            if (!live.Contains(id) && !expiring.Contains(id)) expiring = expiring.Add(id, (takenAt ?? DateTimeOffset.UnixEpoch) + periods.Completed);
        var state = Empty with
        {
            Jobs = Empty.Jobs.AddRange(jobs.Select(j => KeyValuePair.Create(j.Id, j))),
            KeyedIds = Empty.KeyedIds.Union(s.KeyedIds),
            NextOrder = s.NextOrder,
            RecentIds = ImmutableQueue.CreateRange(s.RecentIds),
            RecentIdSet = Empty.RecentIdSet.Union(s.RecentIds),
            Retention = periods,
            Expiring = expiring,
            UntrackedFrom = s.UntrackedFrom,
            UntrackedUntil = s.UntrackedUntil,
        };
        return state with
        {
            Pending = ImmutableSortedSet.CreateRange(s.Jobs.Where(j => j.Status == JobStatus.Pending).Select(KeyOf)),
            Scheduled = ImmutableSortedSet.CreateRange(s.Jobs.Where(j => j.Status == JobStatus.Scheduled && j.RunAt is not null)
                .Select(j => new DueKey(j.RunAt!.Value, j.Id))),
        };
    }

    /// <summary>When a job ending now in <paramref name="status"/> expires: its own retention, else the status's.</summary>
    private DateTimeOffset ExpiryOf(JobRecord job, JobStatus status, DateTimeOffset endedAt) =>
        endedAt + (job.Spec.RetentionMs is { } ms ? TimeSpan.FromMilliseconds(ms) : Retention.For(status)!.Value);

    /// <summary>An ended job: its id is tracked while the partition still holds or recognises it, else only its expiry time.</summary>
    private static (PartitionState, JobRecord?) Ended((PartitionState State, JobRecord? Job) r)
    {
        if (r.Job is not { ExpiresAt: { } at } job) return r;
        var s = r.State;
        return (s.Jobs.ContainsKey(job.Id) || s.KeyedIds.Contains(job.Id) || s.RecentIdSet.Contains(job.Id)
            ? s with { Expiring = s.Expiring.Add(job.Id, at) }
            : s.Untracked(at), job);
    }

    private PartitionState Untracked(DateTimeOffset at) => this with
    {
        UntrackedFrom = UntrackedFrom is { } from && from <= at ? from : at,
        UntrackedUntil = UntrackedUntil is { } until && until >= at ? until : at,
    };

    /// <summary>
    /// The due ids leave (failed jobs, keys, recent ids, the index); the untracked window moves past
    /// <see cref="JobsExpired.At"/>: what is left of it is swept at most <see cref="RetentionRules.SweepGap"/> later.
    /// </summary>
    private PartitionState Expire(JobsExpired x)
    {
        var jobs = Jobs;
        var keyed = KeyedIds;
        var expiring = Expiring;
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in x.JobIds)
        {
            if (!expiring.At.TryGetValue(id, out var at) || at > x.At) continue;
            expiring = expiring.Remove(id);
            if (jobs.TryGetValue(id, out var job) && job.IsTerminal) jobs = jobs.Remove(id);
            keyed = keyed.Remove(id);
            gone.Add(id);
        }
        var state = this with { Jobs = jobs, KeyedIds = keyed, Expiring = expiring };
        if (gone.Overlaps(RecentIdSet))
            state = state with
            {
                RecentIds = ImmutableQueue.CreateRange(RecentIds.Where(id => !gone.Contains(id))),
                RecentIdSet = RecentIdSet.Except(gone),
            };
        if (UntrackedFrom is { } from && from <= x.At)
        {
            var next = x.At + RetentionRules.SweepGap;
            state = UntrackedUntil is { } until && until > x.At
                ? state with { UntrackedFrom = until < next ? until : next }
                : state with { UntrackedFrom = null, UntrackedUntil = null };
        }
        return state;
    }

    public static string KindName(FailureKind kind) => kind.ToString().ToLowerInvariant();

    private static PendingKey KeyOf(JobRecord j) => new(j.Spec.Tenant, LimitKeys.Of(j.Spec), j.Spec.Priority, j.Order, j.Id);

    private (PartitionState, JobRecord?) Accept(JobAccepted a)
    {
        if (Jobs.TryGetValue(a.JobId, out var known)) return (this, known);
        var changes = new (JobRecord? Before, JobRecord? After)[1];
        return (AcceptRun([a], 0, 1, changes), changes[0].After);
    }

    /// <summary>
    /// Acceptances <paramref name="from"/> up to (not including) <paramref name="to"/>, each as if
    /// applied alone (an id already held is left as it is), through builders: a batch's jobs share
    /// the new tree nodes instead of each copying a path through every collection (copying them was
    /// most of the cost of accepting a batch).
    /// </summary>
    private PartitionState AcceptRun(IReadOnlyList<IJobEvent> events, int from, int to, (JobRecord? Before, JobRecord? After)[] changes)
    {
        var jobs = Jobs.ToBuilder();
        var pending = Pending.ToBuilder();
        var scheduled = Scheduled.ToBuilder();
        var keyed = KeyedIds.ToBuilder();
        var recentSet = RecentIdSet.ToBuilder();
        var recent = RecentIds;
        var order = NextOrder;
        List<string>? evicted = null;
        for (var i = from; i < to; i++)
        {
            var a = (JobAccepted)events[i];
            if (jobs.TryGetValue(a.JobId, out var known))
            {
                changes[i] = (known, known);
                continue;
            }
            var (job, queue) = NewRecord(a, order++);
            changes[i] = (null, job);
            jobs.Add(job.Id, job);
            if (a.Spec.IdempotencyKey is not null) keyed.Add(job.Id);
            recent = recent.Enqueue(job.Id);
            recentSet.Add(job.Id);
            if (recentSet.Count > RecentIdCapacity)
            {
                recent = recent.Dequeue(out var oldest);
                recentSet.Remove(oldest);
                (evicted ??= []).Add(oldest);
            }
            if (queue == Queue.Pending) pending.Add(KeyOf(job));
            else if (queue == Queue.Scheduled) scheduled.Add(new DueKey(job.RunAt!.Value, job.Id));
        }
        var state = this with
        {
            Jobs = jobs.ToImmutable(),
            Pending = pending.ToImmutable(),
            Scheduled = scheduled.ToImmutable(),
            KeyedIds = keyed.ToImmutable(),
            RecentIds = recent,
            RecentIdSet = recentSet.ToImmutable(),
            NextOrder = order,
        };
        return evicted is null ? state : state.NoLongerRecent(evicted);
    }

    /// <summary>Ended jobs that left the recent ids and are neither held nor keyed: only their expiry time is kept.</summary>
    private PartitionState NoLongerRecent(List<string> ids)
    {
        var state = this;
        foreach (var id in ids)
            if (state.Expiring.At.TryGetValue(id, out var at) && !state.Jobs.ContainsKey(id) && !state.KeyedIds.Contains(id))
                state = (state with { Expiring = state.Expiring.Remove(id) }).Untracked(at);
        return state;
    }

    private enum Queue { None, Pending, Scheduled }

    /// <summary>The record a new job starts with, and the queue it enters (none while it waits for dependencies).</summary>
    private static (JobRecord Job, Queue Queue) NewRecord(JobAccepted a, long order)
    {
        var waitingFor = a.Spec.DependsOn.Distinct(StringComparer.Ordinal).ToArray();
        var waiting = waitingFor.Length > 0;
        var scheduled = !waiting && a.Spec.RunAt is { } runAt && runAt > a.At;
        // without dependencies the acceptance entry is implied by CreatedAt and BatchId (JobRecord.History)
        IReadOnlyList<HistoryEntry>? history = !waiting ? null : [new HistoryEntry(a.At, HistoryEvents.Accepted, null, null,
            a.BatchId is null ? $"waiting for {waitingFor.Length} dependencies" : $"batch {a.BatchId}; waiting for {waitingFor.Length} dependencies")];
        var job = new JobRecord
        {
            Id = a.JobId,
            Spec = a.Spec,
            BatchId = a.BatchId,
            Status = scheduled || waiting ? JobStatus.Scheduled : JobStatus.Pending,
            Order = order,
            CreatedAt = a.At,
            RunAt = scheduled ? a.Spec.RunAt : null,
            WaitingFor = waitingFor,
        };
        if (history is not null) job = job with { History = history };
        return (job, waiting ? Queue.None : scheduled ? Queue.Scheduled : Queue.Pending);
    }

    private (PartitionState, JobRecord?) DependencyMet(JobRecord job, JobDependencyMet m)
    {
        var left = job.WaitingFor.Where(d => d != m.DependencyId).ToArray();
        var entry = new HistoryEntry(m.At, HistoryEvents.DependencyMet, null, null,
            left.Length == 0 ? $"{m.DependencyId} completed; all dependencies met" : $"{m.DependencyId} completed; waiting for {left.Length} more");
        var after = job with { WaitingFor = left, History = [.. job.History, entry] };
        if (left.Length > 0) return (this with { Jobs = Jobs.SetItem(job.Id, after) }, after);
        var runAt = job.Spec.RunAt is { } r && r > m.At ? r : (DateTimeOffset?)null;
        return Replace(job, after with { Status = runAt is null ? JobStatus.Pending : JobStatus.Scheduled, RunAt = runAt });
    }

    private (PartitionState, JobRecord?) Requeue(JobRecord job, JobRequeued q)
    {
        if (job.Status != JobStatus.Failed) return (this, job);
        var requeued = job with
        {
            Status = JobStatus.Pending,
            Attempts = 0,
            Error = null,
            CompletedAt = null,
            ExpiresAt = null,
            RunAt = null,
            Order = NextOrder,
            History = Append(job, q.At, HistoryEvents.Requeued, null, null, null),
        };
        return (this with
        {
            Jobs = Jobs.SetItem(job.Id, requeued),
            Pending = Pending.Add(KeyOf(requeued)),
            Expiring = Expiring.Remove(job.Id),
            NextOrder = NextOrder + 1,
        }, requeued);
    }

    private (PartitionState, JobRecord?) Replace(JobRecord before, JobRecord after) =>
        (WithoutQueues(before) switch
        {
            var s when after.Status == JobStatus.Pending => s with { Jobs = s.Jobs.SetItem(after.Id, after), Pending = s.Pending.Add(KeyOf(after)) },
            var s when after is { Status: JobStatus.Scheduled, RunAt: { } due } => s with { Jobs = s.Jobs.SetItem(after.Id, after), Scheduled = s.Scheduled.Add(new DueKey(due, after.Id)) },
            var s => s with { Jobs = s.Jobs.SetItem(after.Id, after) },
        }, after);

    private (PartitionState, JobRecord?) Remove(JobRecord after)
    {
        var s = WithoutQueues(Jobs[after.Id]);
        return (s with { Jobs = s.Jobs.Remove(after.Id) }, after);
    }

    private PartitionState WithoutQueues(JobRecord job) => this with
    {
        Pending = job.Status == JobStatus.Pending ? Pending.Remove(KeyOf(job)) : Pending,
        Scheduled = job is { Status: JobStatus.Scheduled, RunAt: { } due } ? Scheduled.Remove(new DueKey(due, job.Id)) : Scheduled,
    };

    private static IReadOnlyList<HistoryEntry> Append(JobRecord job, DateTimeOffset at, string ev, int? attempt, string? node, string? detail) =>
        [.. job.History, new HistoryEntry(at, ev, attempt, node, detail)];
}
