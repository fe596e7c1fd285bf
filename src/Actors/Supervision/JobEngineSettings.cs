namespace Jobs.Actors.Supervision;

/// <summary>Settings of the engine's actors (bound from the Jobs configuration section by the host).</summary>
public sealed record JobEngineSettings
{
    /// <summary>Fixed for the life of a data set: changing it re-homes job ids.</summary>
    public int Partitions { get; init; } = 32;
    public int Capacity { get; init; } = Math.Max(1, 2 * Environment.ProcessorCount);
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    public int SnapshotEvery { get; init; } = 1000;
    /// <summary>Finished (completed/cancelled) jobs each partition keeps in memory for read-your-writes.</summary>
    public int RecentFinishedPerPartition { get; init; } = 256;
    public TimeSpan KeeperInterval { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>
    /// Backpressure: while a partition has this many events waiting for the journal, new
    /// submissions are refused (HTTP 503 + Retry-After) instead of queueing without bound.
    /// </summary>
    public int MaxEventsInFlight { get; init; } = 5000;
    /// <summary>On hand-off (graceful leave, rebalance): how long running attempts may take to finish before they are abandoned to the next owner.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
