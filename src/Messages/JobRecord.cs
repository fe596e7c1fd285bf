using System.Text.Json.Serialization;
using Jobs.Messages.Serialization;

namespace Jobs.Messages;

/// <summary>
/// The state of one job inside its partition; also the unit of a partition snapshot, so its
/// shape is a persisted contract (add optional members only).
/// </summary>
public sealed record JobRecord
{
    public required string Id { get; init; }
    public required JobSpec Spec { get; init; }
    public string? BatchId { get; init; }
    public JobStatus Status { get; init; }
    public int Attempts { get; init; }
    /// <summary>Acceptance order inside the partition (FIFO within a priority).</summary>
    public long Order { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>When a scheduled job becomes due (runAt or the end of a backoff).</summary>
    public DateTimeOffset? RunAt { get; init; }
    public string? Node { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public string? Result { get; init; }
    public JobError? Error { get; init; }
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    /// <summary>Dependencies (<c>dependsOn</c>) that have not completed yet; while any remain the job is <c>scheduled</c> without a due time.</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    [JsonIgnore] public bool IsTerminal => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}

/// <summary>A partition's durable state at a sequence number.</summary>
public sealed record PartitionSnapshot(IReadOnlyList<JobRecord> Jobs, IReadOnlyList<string> KeyedIds, long NextOrder) : IJobsMessage
{
    /// <summary>The latest accepted ids, oldest first (added after v1: absent in older snapshots).</summary>
    public IReadOnlyList<string> RecentIds { get; init; } = [];
}
