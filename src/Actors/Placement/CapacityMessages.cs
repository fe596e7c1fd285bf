namespace Jobs.Actors.Placement;

// The node's slot gate (NodeCapacity) and the partitions it arbitrates between; local to the node.

/// <summary>A partition's head of queue, told to the node's gate whenever it changes.</summary>
public sealed record Demand(int PartitionId, bool HasWork, int HeadPriority, long HeadTicks);

/// <summary>Gate → partition: you may start one attempt. Answer with a new <see cref="Demand"/>, and a <see cref="SlotReleased"/> if unused.</summary>
public sealed record SlotGranted
{
    public static readonly SlotGranted Instance = new();
}

/// <summary>Partition → gate: an attempt ended (or a grant went unused).</summary>
public sealed record SlotReleased
{
    public static readonly SlotReleased Instance = new();
}

public sealed record GetCapacity
{
    public static readonly GetCapacity Instance = new();
}

public sealed record CapacityStatus(int Capacity, int InUse, int PartitionsWaiting)
{
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
