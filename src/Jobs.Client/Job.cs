using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Client;

/// <summary>A job as the node shows it (docs/api.md, the job view).</summary>
public sealed record Job
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Queue { get; init; }
    public int Priority { get; init; }
    public JobStatus Status { get; init; }
    public int Attempts { get; init; }
    public int MaxAttempts { get; init; }
    public JobProgress? Progress { get; init; }
    public JsonElement? Result { get; init; }
    public JobError? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public string? Node { get; init; }
    public string? BatchId { get; init; }
    public string Tenant { get; init; } = "";
    public JsonElement? Metadata { get; init; }
    public IReadOnlyList<JobHistoryEntry> History { get; init; } = [];

    /// <summary>Completed, failed or cancelled: the job will not change again (unless a failed one is requeued).</summary>
    [JsonIgnore] public bool IsTerminal => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>The view as the node wrote it, fields this client does not know included (for printing or forwarding it).</summary>
    [JsonIgnore] public JsonElement Json { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus { Pending, Scheduled, Running, Completed, Failed, Cancelled }

public sealed record JobProgress(string? Stage, double? Percent, string? Message);

/// <summary>Why the latest attempt failed; <see cref="Kind"/> is transient, permanent, timeout, cancelled, dependency or crashed.</summary>
public sealed record JobError(string Kind, string Message);

/// <summary>One entry of a job's history (accepted, started, attempt-failed, completed…).</summary>
public sealed record JobHistoryEntry(DateTimeOffset At, string Event, int? Attempt, string? Node, string? Detail);

/// <summary>An event of <see cref="JobsClient.WatchAsync"/> (docs/api.md, GET /api/jobs/{id}/events).</summary>
public sealed record JobEvent
{
    public required string JobId { get; init; }

    /// <summary>The event's index in the job's history; -1 for progress, which is not part of it.</summary>
    public int Seq { get; init; }
    public DateTimeOffset At { get; init; }
    public required string Event { get; init; }
    public int? Attempt { get; init; }
    public string? Node { get; init; }
    public string? Detail { get; init; }

    /// <summary>The job's status after the event.</summary>
    public JobStatus Status { get; init; }
    public JobProgress? Progress { get; init; }

    /// <summary>The event's <c>data</c> as the node sent it.</summary>
    [JsonIgnore] public string Json { get; init; } = "";
}

/// <summary>A batch's counts and status (docs/api.md, GET /api/batches/{id}).</summary>
public sealed record Batch
{
    public required string Id { get; init; }
    public string Tenant { get; init; } = "";
    public int Total { get; init; }
    public int Pending { get; init; }
    public int Running { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }
    public int Cancelled { get; init; }

    /// <summary><c>running</c> until every job has ended, then <c>completed</c>.</summary>
    public string Status { get; init; } = "";
    public string? Node { get; init; }
    public IReadOnlyList<string> JobIds { get; init; } = [];

    /// <summary>The view as the node wrote it.</summary>
    [JsonIgnore] public JsonElement Json { get; init; }
}
