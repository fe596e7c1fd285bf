using Jobs.Messages;

namespace Jobs.Actors.Supervision;

// Messages between a JobSupervisor and its JobRunner children. Local only: never journaled or sent remotely.

internal sealed record AttemptSucceeded(string JobId, int Attempt, string? ResultJson);

internal sealed record ProgressUpdated(string JobId, int Attempt, JobProgress Progress);

internal sealed record CancelAttempt;

internal sealed record RunnerStopped(string JobId, int Attempt, Akka.Actor.IActorRef Runner);
