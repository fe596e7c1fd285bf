namespace Jobs.Actors.Supervision;

/// <summary>
/// When a partition saves a snapshot: after <c>SnapshotEvery</c> events, or — while it holds more
/// jobs than that — after as many events as it holds jobs. A snapshot serializes the whole
/// partition, so this keeps its cost proportional to the events since the last one: a partition
/// filling up with a backlog of 3,000 jobs no longer writes 1,000-, 2,000- and 3,000-job snapshots
/// (whose buffers stayed in the large object heap of a quiet node, docs/benchmarks.md session 6),
/// and recovery replays at most about as many events as there are jobs. Pure.
/// </summary>
public static class SnapshotPolicy
{
    public static bool IsDue(long eventsSinceSnapshot, int jobsInMemory, int snapshotEvery) =>
        eventsSinceSnapshot >= Math.Max(snapshotEvery, jobsInMemory);
}
