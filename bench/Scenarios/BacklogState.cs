using Jobs.Tests.Support;

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
        var rows = PendingBacklog.AcceptedRows(jobs);
        var before = PendingBacklog.Heap();
        var state = PendingBacklog.Recover(rows);
        var after = PendingBacklog.Heap();
        GC.KeepAlive(state);
        GC.KeepAlive(rows);
        results.Add(Name, "jobs-partition-state", "bytes_per_pending_job", (after - before) / (double)jobs);
        Console.WriteLine($"  backlog-state: {(after - before) / 1048576.0:0.0} MiB of managed heap for {jobs} pending jobs in one partition's state");
    }
}
