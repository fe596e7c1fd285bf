using Jobs.Messages;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// The journal at its busiest: N noop jobs submitted in-process as batches
/// (<see cref="Jobs.Actors.Hosting.JobClient.SubmitManyAsync"/>, 1,000 jobs per call) while the
/// engine runs them, once for each offered load (calls in flight at once: 6, what
/// <c>POST /api/batches</c> does for the HTTP variants, and 24). Measures the journal's busiest
/// second in events (every event journaled: accepted, started, completed) at each load; the
/// peak is the highest of them, for <c>efficiency_peak_batches</c> against the raw ceiling.
/// A partition has one journal write in flight, so at 6 calls the busiest second is bounded by the
/// calls' latency, not by the journal: 24 calls journal 25–35 % more.
/// </summary>
public static class JournalBurst
{
    public const string Name = "journal-burst";
    public const string System = "jobs-postgres-1node";
    private const int PerCall = 1000;
    /// <summary>The offered loads, in calls in flight at once (<c>--burst-calls 6,24</c>).</summary>
    public static int[] CallLevels { get; set; } = [6, 24];

    public static async Task Measure(Results results, PostgresServer pg, int jobs, int capacity)
    {
        var peak = 0L;
        foreach (var calls in CallLevels)
        {
            var db = await pg.CreateDatabaseAsync();
            await using var engine = await InProcessEngine.StartAsync(db, capacity);
            await Throughput.WarmUpEngine(engine, db);
            var before = await Journal.MaxOrderingAsync(db);
            Console.WriteLine($"  journal-burst: submitting {jobs} jobs, {calls} calls at once"); // also the mark a profiler waits for
            var (submitted, total) = await Submit(engine, jobs, calls);
            var busiest = await Journal.BusiestSecondAsync(db, before);
            Console.WriteLine($"  journal-burst ({calls} calls at once): {jobs} jobs submitted in {submitted:0.00} s, all completed after {total:0.00} s; " +
                              $"journal's busiest second {busiest} (the rows span {busiest.SpanSeconds:0.0} s)");
            results.Add(Name, System, $"submit_jobs_per_s_calls{calls}", jobs / submitted);
            results.Add(Name, System, $"jobs_per_s_calls{calls}", jobs / total);
            results.Add(Name, System, $"journal_events_per_s_peak_calls{calls}", busiest.Events);
            peak = Math.Max(peak, busiest.Events);
        }
        results.Add(Name, System, "journal_events_per_s_peak", peak);
    }

    private static Task<(double Submitted, double Total)> Submit(InProcessEngine engine, int jobs, int calls) =>
        Throughput.Timed(engine, jobs, () => Parallel.ForEachAsync(Enumerable.Range(0, (jobs + PerCall - 1) / PerCall),
            new ParallelOptions { MaxDegreeOfParallelism = calls }, async (b, ct) =>
            {
                var size = Math.Min(PerCall, jobs - b * PerCall);
                var now = DateTimeOffset.UtcNow;
                var batch = Enumerable.Range(0, size).Select(_ => (Spec: new JobSpec { Type = "noop" }, JobId: JobIds.NewId(now))).ToList();
                await engine.Client.SubmitManyAsync(batch, null, ct);
            }));
}
