namespace Jobs.Actors.Partitions;

/// <summary>
/// Pending-queue order: by tenant, then limit key (the job's own, else its queue's) — so each (tenant, limit key)'s
/// jobs are one run of the set, its head one search away — then higher priority first, then
/// acceptance order (FIFO).
/// </summary>
public readonly record struct PendingKey(string Tenant, string Limit, int Priority, long Order, string JobId) : IComparable<PendingKey>
{
    /// <summary>The smallest key of the first run after (<paramref name="tenant"/>, <paramref name="limit"/>) (no name holds a NUL).</summary>
    public static PendingKey After(string tenant, string limit) => new(tenant, Successor(limit), int.MaxValue, long.MinValue, "");

    /// <summary>How many limit keys' successors are kept (a search per run per demand would otherwise allocate one).</summary>
    public const int SuccessorCacheSize = 10_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Successors = new(StringComparer.Ordinal);

    private static string Successor(string limit) =>
        Successors.TryGetValue(limit, out var s) ? s
        : Successors.Count < SuccessorCacheSize ? Successors.GetOrAdd(limit, l => l + "\0")
        : limit + "\0";

    /// <summary>The smallest key of <paramref name="tenant"/>'s runs.</summary>
    public static PendingKey First(string tenant) => new(tenant, "", int.MaxValue, long.MinValue, "");

    public bool Before(PendingKey other) =>
        Priority != other.Priority ? Priority > other.Priority : Order != other.Order ? Order < other.Order : string.CompareOrdinal(JobId, other.JobId) < 0;

    public int CompareTo(PendingKey other)
    {
        var c = ReferenceEquals(Tenant, other.Tenant) ? 0 : string.CompareOrdinal(Tenant, other.Tenant);
        if (c != 0) return c;
        c = ReferenceEquals(Limit, other.Limit) ? 0 : string.CompareOrdinal(Limit, other.Limit);
        if (c != 0) return c;
        c = other.Priority.CompareTo(Priority);
        if (c != 0) return c;
        c = Order.CompareTo(other.Order);
        return c != 0 ? c : string.CompareOrdinal(JobId, other.JobId);
    }
}

/// <summary>Scheduled-set order: earliest due first.</summary>
public readonly record struct DueKey(DateTimeOffset RunAt, string JobId) : IComparable<DueKey>
{
    public int CompareTo(DueKey other)
    {
        var c = RunAt.CompareTo(other.RunAt);
        return c != 0 ? c : string.CompareOrdinal(JobId, other.JobId);
    }
}
