using Jobs.Messages;
using Jobs.Tests.Support;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// The journal at its busiest: N noop jobs submitted in-process as batches
/// (<see cref="Jobs.Actors.Hosting.JobClient.SubmitManyAsync"/>, 1,000 jobs per call, 6 calls at
/// a time: what <c>POST /api/batches</c> does for the HTTP variants) while the engine runs them.
/// Measures the journal's busiest second in events (every event journaled: accepted, started,
/// completed), for <c>efficiency_peak_batches</c> against the raw ceiling.
/// </summary>
public static class JournalBurst
{
    public const string Name = "journal-burst";
    public const string System = "jobs-postgres-1node";
    private const int PerCall = 1000;
    /// <summary>Calls in flight at once (<c>--burst-calls</c>); 6, as the HTTP variants post their batches.</summary>
    public static int CallsAtOnce { get; set; } = 6;

    public static async Task Measure(Results results, PostgresServer pg, int jobs, int capacity)
    {
        var db = await pg.CreateDatabaseAsync();
        await using var engine = await InProcessEngine.StartAsync(db, capacity);
        await Throughput.WarmUpEngine(engine, db);
        var before = await Journal.MaxOrderingAsync(db);
        Console.WriteLine($"  journal-burst: submitting {jobs} jobs"); // also the mark a profiler waits for
        var (submitted, total) = await Submit(engine, jobs);
        var busiest = await Journal.BusiestSecondAsync(db, before);
        Console.WriteLine($"  journal-burst: {jobs} jobs submitted in {submitted:0.00} s, all completed after {total:0.00} s; " +
                          $"journal's busiest second {busiest} (the rows span {busiest.SpanSeconds:0.0} s)");
        results.Add(Name, System, "submit_jobs_per_s", jobs / submitted);
        results.Add(Name, System, "jobs_per_s", jobs / total);
        results.Add(Name, System, "journal_events_per_s_peak", busiest.Events);
    }

    private static Task<(double Submitted, double Total)> Submit(InProcessEngine engine, int jobs) =>
        Throughput.Timed(engine, jobs, () => Parallel.ForEachAsync(Enumerable.Range(0, (jobs + PerCall - 1) / PerCall),
            new ParallelOptions { MaxDegreeOfParallelism = CallsAtOnce }, async (b, ct) =>
            {
                var size = Math.Min(PerCall, jobs - b * PerCall);
                var now = DateTimeOffset.UtcNow;
                var batch = Enumerable.Range(0, size).Select(_ => (Spec: new JobSpec { Type = "noop" }, JobId: JobIds.NewId(now))).ToList();
                await engine.Client.SubmitManyAsync(batch, null, ct);
            }));
}
