using System.Text.Json;
using Jobs.Actors.Supervision;
using Jobs.Messages;
using Jobs.Messages.Serialization;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Where the bytes of a pending job go: the managed heap held by one partition's state with N
/// pending jobs, built the way recovery builds it (events deserialized from the journal's JSON,
/// then applied). No node, no database: the share of <c>bytes_per_pending_job</c> that is state.
/// </summary>
public static class BacklogState
{
    public const string Name = "backlog-state";

    public static void Measure(Results results, int jobs)
    {
        var spec = new JobSpec { Type = "noop", Queue = "backlog" };
        var now = DateTimeOffset.UtcNow;
        var serialized = Enumerable.Range(0, jobs)
            .Select(i => JsonSerializer.SerializeToUtf8Bytes(new JobAccepted(JobIds.ForBatchJob("default", "backlog-0", i), spec, "backlog-0", now), JobsSerializer.Options))
            .ToArray();
        var before = Heap();
        var state = PartitionState.Empty;
        foreach (var bytes in serialized)
            state = state.Apply(JsonSerializer.Deserialize<JobAccepted>(bytes, JobsSerializer.Options)!).State;
        var after = Heap();
        GC.KeepAlive(state);
        GC.KeepAlive(serialized);
        results.Add(Name, "jobs-partition-state", "bytes_per_pending_job", (after - before) / (double)jobs);
        Console.WriteLine($"  backlog-state: {(after - before) / 1048576.0:0.0} MiB of managed heap for {jobs} pending jobs in one partition's state");
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
