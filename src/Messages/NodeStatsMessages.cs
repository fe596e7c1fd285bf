namespace Jobs.Messages;

/// <summary>
/// A node's heartbeat with its stats, published through DistributedPubSub (topic
/// <see cref="NodeStatsTopic.Name"/>) every stats interval; never stored.
/// </summary>
public sealed record NodeStats(
    string Address,
    int RunningJobs,
    int Capacity,
    long Submitted,
    long Processed,
    long Failed,
    long Retried,
    long DeadLettered,
    double UptimeSeconds,
    long MemoryBytes,
    bool Degraded,
    string AppVersion,
    DateTimeOffset At) : IJobsMessage
{
    /// <summary>Pending jobs per queue in the partitions this node hosts (absent from older nodes: empty).</summary>
    public IReadOnlyList<QueueDepth> Pending { get; init; } = [];

    /// <summary>Pickup latency (accepted or due → started) of the latest 4,096 attempts this node's partitions started; null: none yet.</summary>
    public double? PickupP50Ms { get; init; }

    public double? PickupP99Ms { get; init; }
}

/// <summary>How many jobs wait in one queue.</summary>
/// <param name="Running">attempts of the queue running on the node (slots its gate granted).</param>
public sealed record QueueDepth(string Queue, int Pending, int Running = 0);

public static class NodeStatsTopic
{
    public const string Name = "node-stats";
}

/// <summary>Local ask to the node's stats view.</summary>
public sealed record GetNodeStats
{
    public static readonly GetNodeStats Instance = new();
}

/// <summary>The latest heartbeat of one member, as seen by the node answering.</summary>
public sealed record NodeStatsEntry(NodeStats Stats, DateTimeOffset LastHeartbeat, bool Stale);

public sealed record NodeStatsList(IReadOnlyList<NodeStatsEntry> Nodes);

/// <summary>Local ask to the node's stats view: the cluster's totals over the last hour.</summary>
public sealed record GetStatsSeries
{
    public static readonly GetStatsSeries Instance = new();
}

/// <summary>The cluster's totals at one moment: the sums of every member's latest heartbeat that is not stale.</summary>
/// <param name="Pending">pending jobs, all queues.</param>
/// <param name="PickupP99Ms">the highest of the nodes' pickup p99 in their last heartbeat (null: no attempt started yet).</param>
public sealed record StatsPoint(DateTimeOffset At, int Nodes, int RunningJobs, int Capacity, long Submitted, long Processed, long Failed,
    int Pending, double? PickupP99Ms);

/// <summary>Oldest first, one point per <c>StatsSeries.Interval</c>.</summary>
public sealed record StatsSeriesList(IReadOnlyList<StatsPoint> Points);
