using System.Diagnostics;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Where the bytes of a pending job go: the managed heap held by one partition's state with N
/// pending jobs, built the way recovery builds it (events deserialized from the journal's JSON,
/// then applied). No node, no database: the share of <c>bytes_per_pending_job</c> that is state.
/// Also what accepting those jobs costs the state (CPU time and bytes allocated per job), one
/// event at a time and in runs of 250 (<see cref="PartitionState.ApplyAll"/>: a batch's message,
/// a group-commit row on recovery).
/// </summary>
public static class BacklogState
{
    public const string Name = "backlog-state";

    public static void Measure(Results results, int jobs)
    {
        var rows = PendingBacklog.AcceptedRows(jobs);
        var before = PendingBacklog.Heap();
        var state = PendingBacklog.Recover(rows);
        var after = PendingBacklog.Heap();
        GC.KeepAlive(state);
        GC.KeepAlive(rows);
        results.Add(Name, "jobs-partition-state", "bytes_per_pending_job", (after - before) / (double)jobs);
        Console.WriteLine($"  backlog-state: {(after - before) / 1048576.0:0.0} MiB of managed heap for {jobs} pending jobs in one partition's state");
        MeasureAccepting(results, jobs);
    }

    public const int Run = 250;

    private static void MeasureAccepting(Results results, int jobs)
    {
        var spec = new JobSpec { Type = "noop" };
        var at = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, jobs).Select(i => (IJobEvent)new JobAccepted(JobIds.NewId(at) + i, spec, null, at)).ToArray();
        var runs = events.Chunk(Run).ToArray();
        foreach (var (system, accept) in new (string, Func<PartitionState>)[]
        {
            ("jobs-partition-state-one-by-one", () => events.Aggregate(PartitionState.Empty, (s, e) => s.Apply(e).State)),
            ($"jobs-partition-state-runs-of-{Run}", () => runs.Aggregate(PartitionState.Empty, (s, run) => s.ApplyAll(run).State)),
        })
        {
            // best of 3 (the first one also compiles); allocations of this thread only
            var (best, bytes) = (double.MaxValue, 0L);
            for (var i = 0; i < 3; i++)
            {
                PendingBacklog.Heap();
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var sw = Stopwatch.StartNew();
                var state = accept();
                var seconds = sw.Elapsed.TotalSeconds;
                if (state.Pending.Count != jobs) throw new InvalidOperationException($"{system}: {state.Pending.Count} pending, not {jobs}");
                if (seconds < best) (best, bytes) = (seconds, GC.GetAllocatedBytesForCurrentThread() - allocated);
            }
            results.Add(Name, system, "accept_us_per_job", best * 1e6 / jobs);
            results.Add(Name, system, "accept_alloc_bytes_per_job", bytes / (double)jobs);
        }
    }
}
