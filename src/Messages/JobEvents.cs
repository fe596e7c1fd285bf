namespace Jobs.Messages;

public sealed record JobAccepted(string JobId, JobSpec Spec, string? BatchId, DateTimeOffset At) : IJobEvent;

/// <summary>Journaled before the attempt's handler starts.</summary>
public sealed record JobAttemptStarted(string JobId, int Attempt, string Node, DateTimeOffset At) : IJobEvent;

public sealed record JobAttemptFailed(string JobId, int Attempt, FailureKind Kind, string Message, DateTimeOffset At) : IJobEvent;

public sealed record JobRetryScheduled(string JobId, int NextAttempt, DateTimeOffset RunAt, DateTimeOffset At) : IJobEvent;

public sealed record JobCompleted(string JobId, int Attempt, [property: System.Text.Json.Serialization.JsonConverter(typeof(Serialization.RawJsonConverter))] string? Result, DateTimeOffset At) : IJobEvent
{
    /// <summary>With <c>dedupe</c>: the earlier job whose result this one reused without running (added after v1; absent otherwise).</summary>
    public string? ReusedFrom { get; init; }
}

/// <summary>Terminal failure: the job is <c>failed</c> and in the DLQ.</summary>
public sealed record JobDeadLettered(string JobId, FailureKind Kind, string Message, DateTimeOffset At) : IJobEvent;

public sealed record JobCancelled(string JobId, FailureKind Kind, string Reason, DateTimeOffset At) : IJobEvent;

/// <summary>Back from the DLQ to pending with attempts reset.</summary>
public sealed record JobRequeued(string JobId, DateTimeOffset At) : IJobEvent;

/// <summary>Removed from the DLQ view; its history stays in the journal.</summary>
public sealed record JobPurged(string JobId, DateTimeOffset At) : IJobEvent;

/// <summary>
/// A running attempt was given up because its partition was handed off (graceful leave,
/// rebalance) before the attempt ended. The attempt does not count: the next owner runs the
/// same attempt number again.
/// </summary>
public sealed record JobAttemptHandedOff(string JobId, int Attempt, string Node, DateTimeOffset At) : IJobEvent;

/// <summary>
/// The retention of these ended jobs ran out at <see cref="At"/>: the partition forgets them (ids and
/// idempotency keys included) and the read model deletes their rows and every row whose expiry is
/// at or before <see cref="At"/>. Concerns many jobs, so <see cref="JobId"/> is empty.
/// </summary>
public sealed record JobsExpired(IReadOnlyList<string> JobIds, DateTimeOffset At) : IJobEvent
{
    [System.Text.Json.Serialization.JsonIgnore] public string JobId => "";
}

/// <summary>One of the job's <c>dependsOn</c> completed; when the last one has, the job becomes due.</summary>
public sealed record JobDependencyMet(string JobId, string DependencyId, DateTimeOffset At) : IJobEvent;
