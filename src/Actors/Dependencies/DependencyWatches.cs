using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Dependencies;

/// <summary>
/// Both sides of <c>dependsOn</c> for one partition (docs/architecture.md, "Dependencies"):
/// <list type="bullet">
/// <item>as the dependent's partition it asks each dependency's partition to tell it when the
/// dependency ends (<see cref="Watch"/>; repeated while the job waits, so a lost message or a moved
/// partition only delays the answer);</item>
/// <item>as the dependency's partition it remembers who asked and tells them when the job ends
/// (<see cref="Ended"/>), or answers at once when it already has. Soft state: the watchers re-ask.</item>
/// </list>
/// </summary>
/// <param name="self">the owning partition (replies come back to it).</param>
/// <param name="router">where watches go (the shard region); null: the partition itself (single-partition tests).</param>
/// <param name="layout">which partition owns a job id.</param>
/// <param name="archivedStatus">the read model's status of a job that left memory long ago (null: unknown there).</param>
public sealed class DependencyWatches(IActorRef self, IActorRef? router, PartitionLayout layout, Func<string, Task<JobStatus?>>? archivedStatus)
{
    /// <summary>The read model's answer about a watched job that is no longer in memory.</summary>
    public sealed record ArchivedStatus(WatchJob Watch, IActorRef ReplyTo, JobStatus? Status, bool Known);

    /// <summary>Dependency id → (dependent job id → the dependent's partition), told when the dependency ends.</summary>
    private readonly Dictionary<string, Dictionary<string, IActorRef>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Asks the partition of each dependency of each job to tell this one when it ends (idempotent).</summary>
    public void Watch(IEnumerable<JobRecord> waiting)
    {
        foreach (var job in waiting)
            foreach (var dep in job.WaitingFor)
                (router ?? self).Tell(new WatchJob(layout.PartitionOf(dep), dep, job.Id), self);
    }

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
        // otherwise the read model lags behind; the watcher asks again
    }

    /// <summary>One of this partition's jobs ended (durably): its watchers are told.</summary>
    public void Ended(string jobId, JobStatus status)
    {
        if (!_watchers.Remove(jobId, out var watchers)) return;
        foreach (var (watcherJobId, partition) in watchers)
            partition.Tell(new WatchedJobEnded(jobId, watcherJobId, status), self);
    }
}
