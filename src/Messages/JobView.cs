using System.Text.Json.Serialization;
using Jobs.Messages.Serialization;

namespace Jobs.Messages;

/// <summary>The job as the API shows it (docs/api.md, GET /api/jobs/{id}).</summary>
public sealed record JobView
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Queue { get; init; }
    public int Priority { get; init; }
    public JobStatus Status { get; init; }
    public int Attempts { get; init; }
    public int MaxAttempts { get; init; }
    public JobProgress? Progress { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public string? Result { get; init; }
    public JobError? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public string? Node { get; init; }
    public string? BatchId { get; init; }
    public required string Tenant { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public string? Metadata { get; init; }
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    public string? ScheduleId { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }
    public bool? Misfired { get; init; }
    public string? LimitKey { get; init; }
    /// <summary>When the ended job is deleted (its retention runs out); null while it has not ended.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonIgnore] public bool IsTerminal => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}
