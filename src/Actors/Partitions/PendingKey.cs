namespace Jobs.Actors.Partitions;

/// <summary>Pending-queue order: higher priority first, then acceptance order (FIFO).</summary>
public readonly record struct PendingKey(int Priority, long Order, string JobId) : IComparable<PendingKey>
{
    public int CompareTo(PendingKey other)
    {
        var c = other.Priority.CompareTo(Priority);
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
