namespace Jobs.Messages;

/// <summary>
/// A page of a job list: its filters, size and cursor. The read model answers it in SQL, and every
/// node answers the same filters from its live index (<see cref="LiveJobsQuery"/>).
/// </summary>
public sealed record JobQuery
{
    public JobStatus? Status { get; init; }
    public string? Type { get; init; }
    public string? Queue { get; init; }
    public string? Tenant { get; init; }
    public string? BatchId { get; init; }
    /// <summary>The jobs a schedule created (with <see cref="Tenant"/>: that tenant's schedule).</summary>
    public string? ScheduleId { get; init; }
    /// <summary>Only failed jobs still in the dead-letter queue, newest failure first.</summary>
    public bool DeadLettersOnly { get; init; }
    /// <summary>Jobs whose id starts with this text, or one of whose metadata values (<see cref="MetadataValues"/>) is this text.</summary>
    public string? Search { get; init; }
    /// <summary>Jobs created (accepted) at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }
    /// <summary>Jobs created (accepted) before this time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }
    public int Limit { get; init; } = 50;
    public string? Cursor { get; init; }
}
