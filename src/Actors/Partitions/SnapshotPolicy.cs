namespace Jobs.Actors.Partitions;

/// <summary>
/// When a partition saves a snapshot: after <c>SnapshotEvery</c> events, or — while it holds more
/// than half that many jobs — after twice as many events as it holds jobs. A snapshot serializes the
/// whole partition, so this keeps its cost at most half a record per event: a partition filling up
/// with a backlog does not write ever larger snapshots every few hundred events (their buffers
/// would stay in the large object heap of a quiet node; at one record per event snapshots cost
/// 3–4 % of the machine at full load), and recovery replays at most about twice as many events as
/// there are jobs. A partition that only accumulates jobs (every event a new one) never reaches
/// that and recovers by replaying one event per job. Pure.
/// </summary>
public static class SnapshotPolicy
{
    public const int EventsPerJob = 2;

    public static bool IsDue(long eventsSinceSnapshot, int jobsInMemory, int snapshotEvery) =>
        eventsSinceSnapshot >= Math.Max(snapshotEvery, (long)EventsPerJob * jobsInMemory);
}
