using Jobs.Messages;

namespace Jobs.Actors.Dependencies;

/// <summary>What a waiting job's partition records when one of its dependencies ends. Pure.</summary>
public static class DependencyRules
{
    /// <summary>
    /// Completed: the dependency is met. Failed, cancelled or unknown: the waiting job is cancelled
    /// with kind <c>dependency</c> (which in turn ends its own watchers). Null when the job no
    /// longer waits for it (a repeated or late answer).
    /// </summary>
    public static IJobEvent? OnEnded(WatchedJobEnded m, JobRecord? waiting, DateTimeOffset now)
    {
        if (waiting is not { Status: JobStatus.Scheduled } job || !job.WaitingFor.Contains(m.JobId)) return null;
        return m.Status == JobStatus.Completed
            ? new JobDependencyMet(job.Id, m.JobId, now)
            : new JobCancelled(job.Id, FailureKind.Dependency,
                m.Status is { } s ? $"dependency {m.JobId} ended {s.ToString().ToLowerInvariant()}" : $"dependency {m.JobId} does not exist", now);
    }
}
