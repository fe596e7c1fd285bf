namespace Jobs.Actors.Memory;

/// <summary>
/// When a node gives its idle heap back to the OS. After a burst (a big batch, a backlog
/// submitted) the GC keeps what it committed for the burst — the live state of 100,000 pending
/// jobs is ~1.1 KB each, the process RSS ~4 KB each (bench -- backlog, heap dump): the rest is
/// free space of generation 2 and the large object heap that no further collection revisits
/// while the node is quiet. Rule: once at least <see cref="AfterAllocatedBytes"/> were allocated
/// since the last trim, the first sampling interval with less than <see cref="QuietBytes"/>
/// allocated is quiet enough for one aggressive, compacting collection. Pure.
/// </summary>
public sealed record HeapTrimRule(long AfterAllocatedBytes, long QuietBytes)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Less than this allocated in an interval is quiet: a node at rest allocates a few MB per 5 s (heartbeats, timers).</summary>
    public const long DefaultQuietBytes = 8L << 20;

    /// <summary>The rule for JOBS_HEAP_TRIM_AFTER_MB (0: off).</summary>
    public static HeapTrimRule After(long allocatedBytes) => new(allocatedBytes, DefaultQuietBytes);

    public bool Enabled => AfterAllocatedBytes > 0;

    /// <param name="allocatedSinceTrim">bytes allocated since the last trim (or the start)</param>
    /// <param name="allocatedInInterval">bytes allocated during the last interval</param>
    public bool ShouldTrim(long allocatedSinceTrim, long allocatedInInterval) =>
        Enabled && allocatedSinceTrim >= AfterAllocatedBytes && allocatedInInterval < QuietBytes;
}
