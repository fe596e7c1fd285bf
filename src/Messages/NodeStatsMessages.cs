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
    DateTimeOffset At) : IJobsMessage;

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
