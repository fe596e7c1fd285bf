namespace Jobs.Actors.Partitions;

/// <summary>
/// Sent by sharding when the partition is handed off (rebalance, graceful leave): stop starting
/// attempts, let running ones finish within the hand-off timeout, then stop.
/// </summary>
public sealed record StopPartition
{
    public static readonly StopPartition Instance = new();
}
