using System.ComponentModel.DataAnnotations;
using Jobs.Messages;

namespace Jobs.Actors.Settings;

/// <summary>How the job space is split into partitions and how each partition behaves.</summary>
public sealed record PartitionOptions
{
    /// <summary>Partitions of the default queue. Fixed for the life of a data set: changing it re-homes job ids.</summary>
    [Range(1, 4096)]
    public int Count { get; init; } = 32;

    /// <summary>Queues jobs may name besides <c>default</c>; the same list in the same order on every node, append-only.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>Partitions of each queue other than <c>default</c>.</summary>
    [Range(1, 4096)]
    public int QueuePartitions { get; init; } = 8;

    /// <summary>Events between snapshots of a small partition (a larger one waits for two events per job it holds).</summary>
    [Range(10, 1_000_000)]
    public int SnapshotEvery { get; init; } = 4000;

    /// <summary>Finished (completed, cancelled) jobs each partition keeps in memory, so a job just finished is read without the read model.</summary>
    [Range(0, 1_000_000)]
    public int RecentFinished { get; init; } = 256;

    /// <summary>Backpressure: with this many events waiting for the journal a partition refuses new submissions (HTTP 503).</summary>
    [Range(1, 10_000_000)]
    public int MaxEventsInFlight { get; init; } = 5000;

    /// <summary>How often every node wakes all partitions: a partition that moved resumes within this.</summary>
    [Range(50, 600_000)]
    public int KeepAliveMs { get; init; } = 500;

    /// <summary>
    /// A partition being handed off waits this long for its running attempts; those still running
    /// are handed to the next owner, which runs them again without counting them. Must stay below
    /// akka.cluster.sharding.handoff-timeout (hocon/akka.conf).
    /// </summary>
    [Range(0, 3_600_000)]
    public int HandOffTimeoutMs { get; init; } = 10_000;

    public TimeSpan KeepAliveInterval => TimeSpan.FromMilliseconds(KeepAliveMs);
    public TimeSpan HandOffTimeout => TimeSpan.FromMilliseconds(HandOffTimeoutMs);

    /// <summary>Every queue, <c>default</c> first.</summary>
    public IReadOnlyList<string> AllQueues => [PartitionLayout.DefaultQueue, .. Queues.Where(q => q != PartitionLayout.DefaultQueue).Distinct(StringComparer.Ordinal)];

    private (PartitionLayout Layout, IReadOnlyList<string> Queues)? _layout;

    /// <summary>The partition layout these settings describe (cached; a <c>with</c> copy that changes an input gets its own).</summary>
    public PartitionLayout Layout =>
        _layout is var (l, queues) && ReferenceEquals(queues, Queues) && l.Partitions == Count && l.QueuePartitions == QueuePartitions
            ? l
            : (_layout = (new PartitionLayout(Count, AllQueues, QueuePartitions), Queues)).Value.Layout;
}
