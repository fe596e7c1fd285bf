using Jobs.Messages;

namespace Jobs.Actors.Supervision;

// Messages between a JobSupervisor and its JobRunner children. Local only: never journaled or sent remotely.

internal sealed record AttemptSucceeded(string JobId, int Attempt, string? ResultJson, string? ReusedFrom = null);

internal sealed record ProgressUpdated(string JobId, int Attempt, JobProgress Progress);

internal sealed record CancelAttempt;

internal sealed record RunnerStopped(string JobId, int Attempt, Akka.Actor.IActorRef Runner);

/// <summary>
/// Sent by sharding when the partition is handed off (rebalance, graceful leave): stop starting
/// attempts, let running ones finish within the drain timeout, then stop.
/// </summary>
public sealed record StopPartition
{
    public static readonly StopPartition Instance = new();
}
