using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Dependencies;

/// <summary>
/// Both sides of <c>dependsOn</c> for one partition (docs/architecture.md, "Dependencies"):
/// <list type="bullet">
/// <item>as the dependent's partition it asks each dependency's partition, once, to tell it when
/// the dependency ends (<see cref="Watch"/>), and asks again only when that partition recovered
/// (<see cref="OnPartitionRecovered"/>), this one did, or the link to another node dropped
/// messages (<see cref="OnLinkLost"/>);</item>
/// <item>as the dependency's partition it remembers who asked and tells them when the job ends
/// (<see cref="Ended"/>), or answers at once when it already has. The registrations live in memory
/// only: a recovering partition tells every other one (<see cref="AnnounceRecovery"/>) so that
/// their watchers register again.</item>
/// </list>
/// </summary>
/// <param name="self">the owning partition (replies come back to it).</param>
/// <param name="router">where watches go (the shard region); null: the partition itself (single-partition tests).</param>
/// <param name="layout">which partition owns a job id.</param>
/// <param name="archivedStatus">the read model's status of a job that left memory long ago (null: unknown there).</param>
/// <param name="scheduler">delays the read model's re-check and the coalesced re-watch pass.</param>
public sealed class DependencyWatches(IActorRef self, IActorRef? router, PartitionLayout layout,
    Func<string, Task<JobStatus?>>? archivedStatus, IScheduler scheduler)
{
    /// <summary>How long a watch of a job the read model has not caught up with waits before it asks again.</summary>
    public static readonly TimeSpan ReadModelRecheck = TimeSpan.FromSeconds(1);

    /// <summary>How long recoveries of other partitions are collected before one re-watch pass over the waiting jobs.</summary>
    public static readonly TimeSpan RewatchDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The read model's answer about a watched job that is no longer in memory.</summary>
    public sealed record ArchivedStatus(WatchJob Watch, IActorRef ReplyTo, JobStatus? Status, bool Known);

    /// <summary>Time for the re-watch pass over the partitions recovered since the last one.</summary>
    public sealed record RewatchDue
    {
        public static readonly RewatchDue Instance = new();
    }

    /// <summary>Dependency id → (dependent job id → the dependent's partition), told when the dependency ends.</summary>
    private readonly Dictionary<string, Dictionary<string, IActorRef>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Partitions that recovered since the last re-watch pass.</summary>
    private readonly HashSet<int> _recovered = [];

    /// <summary>Asks the partition of each dependency of each job to tell this one when it ends (idempotent).</summary>
    public void Watch(IEnumerable<JobRecord> waiting)
    {
        foreach (var job in waiting)
            foreach (var dep in job.WaitingFor)
                Send(job, dep, layout.PartitionOf(dep));
    }

    /// <summary>This partition recovered: every other partition sends again its watches on this one's jobs.</summary>
    public void AnnounceRecovery(int partitionId)
    {
        if (router is null) return; // a single partition: its own recovery re-sent every watch
        foreach (var other in layout.All)
            if (other != partitionId) router.Tell(new PartitionRecovered(other, partitionId), self);
    }

    /// <summary>Another partition recovered without its registrations; the re-watch pass runs after <see cref="RewatchDelay"/>.</summary>
    public void OnPartitionRecovered(PartitionRecovered m)
    {
        if (_recovered.Add(m.Recovered) && _recovered.Count == 1)
            scheduler.ScheduleTellOnce(RewatchDelay, self, RewatchDue.Instance, ActorRefs.NoSender);
    }

    /// <summary>
    /// The association with another node ended (<c>DisassociatedEvent</c>): a watch or an end sent
    /// while it was gated may be gone, and which partitions that node holds is not known here. The
    /// re-watch pass covers every partition; a watch already registered is registered again (no
    /// harm), and one whose dependency ended meanwhile is answered at once.
    /// </summary>
    public void OnLinkLost()
    {
        var first = _recovered.Count == 0;
        foreach (var p in layout.All) _recovered.Add(p);
        if (first) scheduler.ScheduleTellOnce(RewatchDelay, self, RewatchDue.Instance, ActorRefs.NoSender);
    }

    /// <summary>Sends the watches of the waiting jobs whose dependencies live in a partition that recovered.</summary>
    public void Rewatch(IEnumerable<JobRecord> waiting)
    {
        if (_recovered.Count == 0) return;
        foreach (var job in waiting)
            foreach (var dep in job.WaitingFor)
                if (layout.PartitionOf(dep) is var p && _recovered.Contains(p))
                    Send(job, dep, p);
        _recovered.Clear();
    }

    private void Send(JobRecord job, string dep, int partition) =>
        (router ?? self).Tell(new WatchJob(partition, dep, job.Id), self);

    /// <summary>A watch of one of this partition's jobs.</summary>
    /// <param name="live">the job if the partition holds it.</param>
    /// <param name="recentlyEnded">its end if it finished recently and left memory.</param>
    /// <param name="known">whether the partition has seen its id at all.</param>
    public void OnWatch(WatchJob w, IActorRef watcher, JobRecord? live, JobStatus? recentlyEnded, bool known)
    {
        if (live is not null && live.Status != JobStatus.Failed)
        {
            if (!_watchers.TryGetValue(w.JobId, out var watchers)) _watchers[w.JobId] = watchers = new(StringComparer.Ordinal);
            watchers[w.WatcherJobId] = watcher;
            return;
        }
        if ((live?.Status ?? recentlyEnded) is { } ended)
        {
            watcher.Tell(new WatchedJobEnded(w.JobId, w.WatcherJobId, ended), self);
            return;
        }
        // Not in memory: finished long ago (the read model has it) or never existed.
        if (archivedStatus is null)
        {
            if (!known) watcher.Tell(new WatchedJobEnded(w.JobId, w.WatcherJobId, null), self);
            return;
        }
        archivedStatus(w.JobId).PipeTo(self,
            success: status => new ArchivedStatus(w, watcher, status, known),
            failure: _ => new ArchivedStatus(w, watcher, null, Known: true));
    }

    public void OnArchived(ArchivedStatus a)
    {
        if (a.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
            a.ReplyTo.Tell(new WatchedJobEnded(a.Watch.JobId, a.Watch.WatcherJobId, a.Status), self);
        else if (a.Status is null && !a.Known)
            a.ReplyTo.Tell(new WatchedJobEnded(a.Watch.JobId, a.Watch.WatcherJobId, null), self);
        else // the read model lags behind (or failed): the watch is handled again, as if the watcher had re-sent it
            scheduler.ScheduleTellOnce(ReadModelRecheck, self, a.Watch, a.ReplyTo);
    }

    /// <summary>One of this partition's jobs ended (durably): its watchers are told.</summary>
    public void Ended(string jobId, JobStatus status)
    {
        if (!_watchers.Remove(jobId, out var watchers)) return;
        foreach (var (watcherJobId, partition) in watchers)
            partition.Tell(new WatchedJobEnded(jobId, watcherJobId, status), self);
    }
}
