using Jobs.Messages;

namespace Jobs.Actors.Attempts;

// Messages between a partition and its JobRunner children. Local only: never journaled or sent remotely.

/// <summary>Runner → partition: the attempt succeeded (a failure is thrown instead, for the supervision strategy).</summary>
internal sealed record AttemptSucceeded(string JobId, int Attempt, string? ResultJson, string? ReusedFrom = null);

/// <summary>Runner → partition: the attempt's latest progress (throttled).</summary>
internal sealed record ProgressUpdated(string JobId, int Attempt, JobProgress Progress);

/// <summary>Partition → runner: cancel the handler's token; the attempt ends cancelled, or after the grace period.</summary>
internal sealed record CancelAttempt
{
    public static readonly CancelAttempt Instance = new();
}
