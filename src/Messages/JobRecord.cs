using System.Text.Json.Serialization;
using Jobs.Messages.Serialization;

namespace Jobs.Messages;

/// <summary>
/// The state of one job inside its partition; also the unit of a partition snapshot, so its
/// shape is a persisted contract (add optional members only).
/// </summary>
/// <remarks>
/// A partition holds every pending job in memory (100,000 in the backlog bench), so the record
/// keeps what a job that has not run yet lacks out of line: the outcome of its attempts lives in
/// <see cref="JobRun"/> (null until the first start), and the history entry of its acceptance is
/// implied by <see cref="CreatedAt"/> and <see cref="BatchId"/> until a second entry is added.
/// The public members, the JSON shape and equality are the same as if every field were inline.
/// </remarks>
public sealed record JobRecord
{
    private JobRun? _run;
    private IReadOnlyList<HistoryEntry>? _history;

    public required string Id { get; init; }
    public required JobSpec Spec { get; init; }
    public string? BatchId { get; init; }
    public JobStatus Status { get; init; }
    public int Attempts { get; init; }
    /// <summary>Acceptance order inside the partition (FIFO within a priority).</summary>
    public long Order { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get => _run?.StartedAt; init => _run = JobRun.Normalize((_run ?? JobRun.None) with { StartedAt = value }); }
    public DateTimeOffset? CompletedAt { get => _run?.CompletedAt; init => _run = JobRun.Normalize((_run ?? JobRun.None) with { CompletedAt = value }); }
    /// <summary>When a scheduled job becomes due (runAt or the end of a backoff).</summary>
    public DateTimeOffset? RunAt { get; init; }
    public string? Node { get => _run?.Node; init => _run = JobRun.Normalize((_run ?? JobRun.None) with { Node = value }); }
    [JsonConverter(typeof(RawJsonConverter))]
    public string? Result { get => _run?.Result; init => _run = JobRun.Normalize((_run ?? JobRun.None) with { Result = value }); }
    public JobError? Error { get => _run?.Error; init => _run = JobRun.Normalize((_run ?? JobRun.None) with { Error = value }); }
    /// <summary>When the ended job is forgotten (its end plus its retention); null while it has not ended.</summary>
    public DateTimeOffset? ExpiresAt { get => _run?.ExpiresAt; init => _run = JobRun.Normalize((_run ?? JobRun.None) with { ExpiresAt = value }); }

    /// <summary>
    /// Everything that happened to the job, oldest first; the first entry is its acceptance.
    /// Stored without that entry while it is the only one and says no more than
    /// <see cref="CreatedAt"/> and <see cref="BatchId"/> do, so set those first (object
    /// initializers and the JSON order of this type do).
    /// </summary>
    public IReadOnlyList<HistoryEntry> History
    {
        get => _history ?? [ImpliedAcceptance()];
        init => _history = value is [var only] && only == ImpliedAcceptance() ? null : value;
    }

    /// <summary>Dependencies (<c>dependsOn</c>) that have not completed yet; while any remain the job is <c>scheduled</c> without a due time.</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    [JsonIgnore] public bool IsTerminal => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>Whether the job's retention has run out at <paramref name="now"/>: it is gone for every reader.</summary>
    public bool ExpiredAt(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    /// <summary>The acceptance entry every job without dependencies gets.</summary>
    public static string? AcceptanceDetail(string? batchId) => batchId is null ? null : $"batch {batchId}";

    private HistoryEntry ImpliedAcceptance() => new(CreatedAt, HistoryEvents.Accepted, null, null, AcceptanceDetail(BatchId));
}

/// <summary>The outcome of a job's attempts, held out of line by <see cref="JobRecord"/>.</summary>
internal sealed record JobRun(DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? Node, string? Result, JobError? Error, DateTimeOffset? ExpiresAt = null)
{
    public static readonly JobRun None = new(null, null, null, null, null);

    /// <summary>Null while nothing is set, so a job that never ran carries no run.</summary>
    public static JobRun? Normalize(JobRun run) => run == None ? null : run;
}

/// <summary>A partition's durable state at a sequence number.</summary>
public sealed record PartitionSnapshot(IReadOnlyList<JobRecord> Jobs, IReadOnlyList<string> KeyedIds, long NextOrder) : IJobsMessage
{
    /// <summary>The latest accepted ids, oldest first (added after v1: absent in older snapshots).</summary>
    public IReadOnlyList<string> RecentIds { get; init; } = [];

    /// <summary>Ended jobs whose ids the partition still recognises, with their expiry (added with retention: absent in older snapshots).</summary>
    public IReadOnlyList<JobExpiry> Expiring { get; init; } = [];

    /// <summary>The earliest and latest expiry, not yet swept, of ended jobs the partition no longer holds.</summary>
    public DateTimeOffset? UntrackedFrom { get; init; }
    public DateTimeOffset? UntrackedUntil { get; init; }

    /// <summary>The journal was deleted up to this sequence number when the snapshot was saved (0: nothing, or unknown).</summary>
    public long JournalDeletedTo { get; init; }
}

/// <summary>An ended job's id and when its retention runs out.</summary>
public sealed record JobExpiry(string JobId, DateTimeOffset At);
