using Jobs.Messages;

namespace Jobs.Actors.Supervision;

/// <summary>Settings of the engine's actors (bound from the Jobs configuration section by the host).</summary>
public sealed record JobEngineSettings
{
    /// <summary>Fixed for the life of a data set: changing it re-homes job ids.</summary>
    public int Partitions { get; init; } = 32;
    public int Capacity { get; init; } = Math.Max(1, 2 * Environment.ProcessorCount);
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Events between snapshots of a small partition (a larger one waits for <see cref="SnapshotPolicy.EventsPerJob"/> events per job it holds).</summary>
    public int SnapshotEvery { get; init; } = 4000;
    /// <summary>Finished (completed/cancelled) jobs each partition keeps in memory for read-your-writes.</summary>
    public int RecentFinishedPerPartition { get; init; } = 256;
    /// <summary>How often every node wakes all partitions (a partition that moved resumes within this).</summary>
    public TimeSpan KeeperInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How often a waiting job re-asks its dependencies' partitions (covers lost messages and moved partitions).</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>
    /// Backpressure: while a partition has this many events waiting for the journal, new
    /// submissions are refused (HTTP 503 + Retry-After) instead of queueing without bound.
    /// </summary>
    public int MaxEventsInFlight { get; init; } = 5000;
    /// <summary>
    /// Graceful leave (SIGTERM, POST /api/cluster/leave): the node stops starting attempts and
    /// waits this long for running ones before its partitions are handed off.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// A partition being handed off (rebalance, or after the leave drain) waits this long for its
    /// running attempts; attempts still running then are handed to the next owner, which re-runs
    /// them without counting the abandoned attempt. Must stay below akka.cluster.sharding.handoff-timeout.
    /// </summary>
    public TimeSpan HandOffTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Queues jobs may name (the same list, in the same order, on every node; append-only).</summary>
    public IReadOnlyList<string> Queues { get; init; } = [PartitionLayout.DefaultQueue];
    /// <summary>Partitions of each queue other than <c>default</c>.</summary>
    public int QueuePartitions { get; init; } = 8;
    /// <summary>Queues this node runs jobs of (its roles that name a queue).</summary>
    public IReadOnlyList<string> ServedQueues { get; init; } = [PartitionLayout.DefaultQueue];

    /// <summary>How long a completed <c>dedupe</c> job's result is reused by identical jobs.</summary>
    public TimeSpan DedupeTtl { get; init; } = TimeSpan.FromHours(1);
    /// <summary>How often the node publishes its stats heartbeat (through Akka, not the database).</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>A node whose last heartbeat is older than this is reported stale by /api/nodes.</summary>
    public TimeSpan StatsStaleAfter { get; init; } = TimeSpan.FromSeconds(6);
    /// <summary>Memory high-watermark (process working set); above it no new attempts start. 0: off.</summary>
    public long MemoryHighBytes { get; init; }
    /// <summary>Low-watermark (attempts start again under it); null: 80 % of the high one.</summary>
    public long? MemoryLowBytes { get; init; }

    private PartitionLayout? _layout;

    /// <summary>The partition layout of these settings (cached; a <c>with</c> copy that changes the inputs gets a new one).</summary>
    public PartitionLayout Layout =>
        _layout is { } l && l.Partitions == Partitions && l.QueuePartitions == QueuePartitions && l.Configured.SequenceEqual(Queues)
            ? l
            : _layout = new PartitionLayout(Partitions, Queues, QueuePartitions);

    public bool Serves(string queue) => ServedQueues.Contains(queue, StringComparer.Ordinal);
}
