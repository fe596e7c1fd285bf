using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Messages.Serialization;

namespace Jobs.Testing;

/// <summary>
/// One partition's state with N pending jobs, built the way recovery builds it (each acceptance
/// deserialized from its own journal JSON, then applied), and the managed heap it holds. Shared by
/// <c>PendingJobMemoryTests</c> and the bench's <c>backlog-state</c> scenario.
/// </summary>
public static class PendingBacklog
{
    public static byte[][] AcceptedRows(int jobs)
    {
        var spec = new JobSpec { Type = "noop", Queue = "backlog" };
        var at = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, jobs)
            .Select(i => JsonSerializer.SerializeToUtf8Bytes(new JobAccepted(JobIds.ForBatchJob("default", "backlog-0", i), spec, "backlog-0", at), JobsSerializer.Options))
            .ToArray();
    }

    public static PartitionState Recover(byte[][] rows)
    {
        var journal = new PartitionJournal(null, new StringPool(), snapshotEvery: 4000);
        foreach (var row in rows)
            journal.RecoverRow(JsonSerializer.Deserialize<JobAccepted>(row, JobsSerializer.Options)!);
        return journal.State;
    }

    /// <summary>The managed heap after full, compacting collections (process-wide: measure with nothing else running).</summary>
    public static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
