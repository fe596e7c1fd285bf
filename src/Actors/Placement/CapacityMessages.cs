namespace Jobs.Actors.Placement;

// The node's slot gate (NodeCapacity) and the partitions it arbitrates between; local to the node.

/// <summary>One tenant's best pending job in a partition: its priority and acceptance time.</summary>
public readonly record struct TenantHead(string Tenant, int Priority, long Ticks);

/// <summary>A partition's heads (one per tenant with pending jobs, best first), told to the node's gate whenever they change.</summary>
public sealed record Demand(int PartitionId, string Queue, IReadOnlyList<TenantHead> Heads)
{
    public bool HasWork => Heads.Count > 0;

    public bool SameAs(Demand? other) => other is not null && other.PartitionId == PartitionId && other.Queue == Queue && other.Heads.SequenceEqual(Heads);
}

/// <summary>Gate → partition: you may start one attempt of <paramref name="Tenant"/>'s. Answer with a new <see cref="Demand"/>, and a <see cref="SlotReleased"/> if unused.</summary>
public sealed record SlotGranted(string Tenant);

/// <summary>Partition → gate: an attempt of <paramref name="Tenant"/>'s ended (or a grant for it went unused).</summary>
public sealed record SlotReleased(string Tenant);

/// <summary>Feed → gate: the queues paused cluster-wide (<see cref="Version"/>: the switch board's, newer wins).</summary>
public sealed record PausedQueues(IReadOnlySet<string> Queues, long Version);

public sealed record GetCapacity
{
    public static readonly GetCapacity Instance = new();
}

public sealed record CapacityStatus(int Capacity, int InUse, int PartitionsWaiting)
{
    /// <summary>Attempts running (or starting) per tenant on this node.</summary>
    public IReadOnlyDictionary<string, int> RunningByTenant { get; init; } = new Dictionary<string, int>();
    /// <summary>Attempts running (or starting) per queue on this node.</summary>
    public IReadOnlyDictionary<string, int> RunningByQueue { get; init; } = new Dictionary<string, int>();
    /// <summary>Queues whose partitions get no slot; null until the node learned the cluster's switches.</summary>
    public IReadOnlySet<string>? Paused { get; init; }
    public bool Degraded { get; init; }
    public long MemoryBytes { get; init; }
    public long MemoryHighBytes { get; init; }
    public long MemoryLowBytes { get; init; }
}

/// <summary>Changes the node's memory watermarks at run time (0: guard off); answered with <see cref="CapacityStatus"/>.</summary>
public sealed record SetMemoryWatermark(long HighBytes, long? LowBytes);

/// <summary>Graceful leave: start no more attempts on this node; answered with <see cref="NodeDrained"/> once none runs.</summary>
public sealed record DrainNode
{
    public static readonly DrainNode Instance = new();
}

public sealed record NodeDrained
{
    public static readonly NodeDrained Instance = new();
}
