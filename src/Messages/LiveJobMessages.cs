namespace Jobs.Messages;

/// <summary>
/// Asks a node for the jobs its partitions made durable recently (its live index), for a list that
/// merges them with the read model's page; never stored.
/// </summary>
public sealed record LiveJobsQuery : IJobsMessage
{
    /// <summary>The list's filters and cursor, as the read model gets them.</summary>
    public required JobQuery Query { get; init; }
    /// <summary>The time due scheduled jobs count as pending at.</summary>
    public DateTimeOffset Now { get; init; }
    /// <summary>At most this many matching jobs.</summary>
    public int Limit { get; init; } = 51;
    /// <summary>Only each matching job's id and status (<see cref="LiveJobsFound.Statuses"/>), for counts.</summary>
    public bool StatusesOnly { get; init; }
    /// <summary>Jobs the read model's page holds: returned whatever their state, so a newer one can replace or drop its row.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
}

/// <summary>A node's answer to <see cref="LiveJobsQuery"/>: the matching jobs and those of the asked ids it knows.</summary>
public sealed record LiveJobsFound(IReadOnlyList<JobRecord> Matching, IReadOnlyList<JobRecord> Known) : IJobsMessage
{
    public static readonly LiveJobsFound None = new([], []);

    /// <summary>With <see cref="LiveJobsQuery.StatusesOnly"/>: the matching jobs' ids and statuses (and no records).</summary>
    public IReadOnlyList<LiveJobStatus> Statuses { get; init; } = [];
}

/// <summary>A job's id and status in a node's live index.</summary>
public sealed record LiveJobStatus(string Id, JobStatus Status);
