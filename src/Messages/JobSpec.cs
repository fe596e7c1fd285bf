using System.Text.Json.Serialization;
using Jobs.Messages.Serialization;

namespace Jobs.Messages;

public enum JobStatus { Pending, Scheduled, Running, Completed, Failed, Cancelled }

/// <summary>How an attempt failed. <c>Crashed</c>: the process that ran it died or was stopped (permanent). Appended only: the journal stores names.</summary>
public enum FailureKind { Transient, Permanent, Timeout, Cancelled, Dependency, Crashed }

public sealed record BackoffPolicy(int InitialMs = 1000, int MaxMs = 60_000, double Jitter = 0.2)
{
    public static readonly BackoffPolicy Default = new();
}

/// <summary>What the client asked for, validated. Payload and metadata are raw JSON text.</summary>
public sealed record JobSpec
{
    public required string Type { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public string? Payload { get; init; }
    public string Queue { get; init; } = "default";
    public int Priority { get; init; }
    public int MaxAttempts { get; init; } = 3;
    public BackoffPolicy Backoff { get; init; } = BackoffPolicy.Default;
    public int TimeoutMs { get; init; } = 300_000;
    public DateTimeOffset? RunAt { get; init; }
    public string? IdempotencyKey { get; init; }
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public bool Dedupe { get; init; }
    public string Tenant { get; init; } = "default";
    /// <summary>The key whose limits (concurrency, rate, LLM tokens per minute) the job's attempts take a lease of; null: none.</summary>
    public string? LimitKey { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public string? Metadata { get; init; }
    /// <summary>The schedule whose tick created the job (absent for jobs submitted directly).</summary>
    public string? ScheduleId { get; init; }
    /// <summary>The tick's fire time, for a job a schedule created.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }
    /// <summary>A schedule with misfire <c>once</c> created the job for a tick missed while the schedule could not fire.</summary>
    public bool? Misfired { get; init; }
    /// <summary>How long the job is kept once it ends (the API's <c>retention</c>); null: the retention of the status it ends in.</summary>
    public long? RetentionMs { get; init; }
}

public sealed record JobProgress(string? Stage, double? Percent, string? Message);

public sealed record JobError(FailureKind Kind, string Message);

/// <summary>One line of a job's history, as shown by the API and streamed over SSE.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string Event, int? Attempt, string? Node, string? Detail);

public static class HistoryEvents
{
    public const string Accepted = "accepted";
    public const string Started = "started";
    public const string Progress = "progress";
    public const string AttemptFailed = "attempt-failed";
    public const string RetryScheduled = "retry-scheduled";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Requeued = "requeued";
    public const string Purged = "purged";
    public const string HandedOff = "handed-off";
    public const string DependencyMet = "dependency-met";
}
