namespace Jobs.Actors.Supervision;

/// <summary>
/// When a partition saves a snapshot: after <c>SnapshotEvery</c> events, or — while it holds more
/// than half that many jobs — after twice as many events as it holds jobs. A snapshot serializes the
/// whole partition, so this keeps its cost at most half a record per event: a partition filling up
/// with a backlog no longer writes ever larger snapshots every few hundred events (whose buffers
/// stayed in the large object heap of a quiet node, docs/benchmarks.md session 6), and recovery
/// replays at most about twice as many events as there are jobs (session 10: snapshots were 3–4 %
/// of the machine at full load with one record per event). A partition that only accumulates jobs
/// (every event a new one) never reaches that and recovers by replaying one event per job. Pure.
/// </summary>
public static class SnapshotPolicy
{
    public const int EventsPerJob = 2;

    public static bool IsDue(long eventsSinceSnapshot, int jobsInMemory, int snapshotEvery) =>
        eventsSinceSnapshot >= Math.Max(snapshotEvery, (long)EventsPerJob * jobsInMemory);
}
