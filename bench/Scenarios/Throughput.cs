using System.Diagnostics;
using System.Net.Http.Json;
using Hangfire;
using Jobs.Messages;

namespace Jobs.Bench.Scenarios;

/// <summary>N noop jobs end to end (submitted → all completed), ours and Hangfire's.</summary>
public static class Throughput
{
    public const string Name = "throughput";

    public static async Task OursInProcess(Results results, string system, string? postgres, int jobs, int capacity)
    {
        await using var engine = await InProcessEngine.StartAsync(postgres, capacity);
        // warm-up, not measured: the JIT's tiered/PGO compilation settles (Hangfire gets the same)
        await WarmUpEngine(engine, postgres);
        var before = postgres is null ? 0 : await Journal.MaxOrderingAsync(postgres);
        var cpu = new CpuMeter();
        var (submitted, total) = await Run(engine, jobs);
        results.Add(Name, system, "submit_jobs_per_s", jobs / submitted);
        results.Add(Name, system, "jobs_per_s", jobs / total);
        if (postgres is null) return;
        // CPU per job, counted until the read model has caught up too (its writes are part of a job's cost)
        var caughtUp = await CpuMeter.WaitForReadModelAsync(postgres, TimeSpan.FromMinutes(2));
        var (process, server) = cpu.Elapsed();
        if (!caughtUp) Console.WriteLine("  (the read model had not caught up within 2 min: CPU per job is short of the read model's rest)");
        results.Add(Name, system, "engine_cpu_us_per_job", process.TotalMicroseconds / jobs);
        results.Add(Name, system, "postgres_cpu_us_per_job", server.TotalMicroseconds / jobs);
        // peak: the journal's own busiest second, by the rows' write stamps (counting confirmations
        // in the partitions overstates it: they bunch up behind GC pauses and a busy thread pool)
        var busiest = await Journal.BusiestSecondAsync(postgres, before);
        Console.WriteLine($"  journal: busiest second {busiest} (the run's rows span {busiest.SpanSeconds:0.0} s)");
        results.Add(Name, system, "journal_events_per_s_peak", busiest.Events);
    }

    /// <summary>
    /// Once per bench process, not measured: a whole engine on each store runs <paramref name="jobs"/>
    /// jobs and is stopped. Without it the first engine of a process was measured while the
    /// runtime was still tiering its code up (a 15 % "Tiered Compilation" thread and instrumented
    /// PGO code in a perf profile of that run): 2,022 jobs/s against 3,704–4,351 for the next
    /// three engines of the same process, even after 20,000 warm-up jobs in the first engine.
    /// A node in production runs far longer than this warm-up; so does Hangfire's server.
    /// </summary>
    public static async Task WarmUpProcess(PostgresServer pg, int jobs, int capacity)
    {
        foreach (var store in new[] { null, await pg.CreateDatabaseAsync() })
        {
            await using var engine = await InProcessEngine.StartAsync(store, capacity);
            await Run(engine, jobs);
        }
    }

    /// <summary>Jobs run (each system, not measured) before the measured run, so both are measured with settled JIT code.</summary>
    public const int WarmUpJobs = 2000;

    /// <summary>
    /// Rounds of <see cref="WarmUpJobs"/> jobs (each followed by the read model's catch-up) until the
    /// runtime's JIT thread used under 2 % of a round (at most <see cref="MaxWarmUpRounds"/>), as for
    /// node processes (<see cref="WarmUpNodes"/>). A new engine in a warm process still compiles for
    /// seconds (the JIT thread at 20–70 % of a core in a perf profile: each ActorSystem gets its own
    /// compiled queries and handlers), so one fixed round of jobs would leave the measured run
    /// paying for the engine's start-up.
    /// </summary>
    internal static Task WarmUpEngine(InProcessEngine engine, string? postgres) =>
        UntilJitSettles("engine warm-up", [Environment.ProcessId], async () =>
        {
            await Run(engine, WarmUpJobs);
            if (postgres is not null) await CpuMeter.WaitForReadModelAsync(postgres, TimeSpan.FromMinutes(1));
            return "";
        });

    private static Task<(double Submitted, double Total)> Run(InProcessEngine engine, int jobs) =>
        Timed(engine, jobs, () => Parallel.ForEachAsync(Enumerable.Range(0, jobs), new ParallelOptions { MaxDegreeOfParallelism = 512 },
            async (_, ct) => await engine.Client.SubmitAsync(new JobSpec { Type = "noop" }, ct: ct)));

    /// <summary>Seconds until <paramref name="submit"/> has submitted the jobs, and until all <paramref name="jobs"/> completed.</summary>
    internal static async Task<(double Submitted, double Total)> Timed(InProcessEngine engine, int jobs, Func<Task> submit)
    {
        var done = engine.ExpectCompletions(jobs);
        var sw = Stopwatch.StartNew();
        await submit();
        var submitted = sw.Elapsed.TotalSeconds;
        await done.WaitAsync(TimeSpan.FromMinutes(10));
        return (submitted, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Node processes on one PostgreSQL (3: <c>jobs-postgres-3nodes</c>; 1: <c>jobs-postgres-1node-http</c>,
    /// the same path on one node, what three nodes must not be slower than); jobs posted over
    /// HTTP in batches of 1,000, round robin; completion counted in the journal.
    /// </summary>
    public static async Task OursCluster(Results results, PostgresServer pg, int jobs, int nodes = 3)
    {
        var system = nodes == 1 ? "jobs-postgres-1node-http" : $"jobs-postgres-{nodes}nodes";
        await using var cluster = await TestCluster.StartAsync(pg, null, nodes, _ => BenchNodes.Env());
        await WarmUpNodes(cluster, jobs);
        var (submitted, total) = await PostBatches(cluster, jobs);
        results.Add(Name, system, "submit_jobs_per_s", jobs / submitted);
        results.Add(Name, system, "jobs_per_s", jobs / total);
    }

    private const int MaxWarmUpRounds = 30;

    /// <summary>
    /// Warm-up, not measured: rounds of the same jobs through the same path until the runtime's
    /// JIT has settled (its tiered-compilation thread used under 2 % of a round's time in every
    /// node; at most <see cref="MaxWarmUpRounds"/>), so fresh node processes are measured with tiered-up code like the
    /// in-process engine (<see cref="WarmUpProcess"/>) and like a node that has been running.
    /// </summary>
    private static Task WarmUpNodes(TestCluster cluster, int jobs) =>
        UntilJitSettles("warm-up", cluster.Nodes.Select(n => n.Pid).ToArray(), async () =>
        {
            var (_, seconds) = await PostBatches(cluster, jobs);
            return $"{jobs / seconds:0} jobs/s, ";
        });

    /// <summary>
    /// Runs <paramref name="round"/> until the JIT thread of every one of the processes used under
    /// 2 % of the round's time, at most <see cref="MaxWarmUpRounds"/> times; logs each round.
    /// </summary>
    internal static async Task UntilJitSettles(string label, IReadOnlyList<int> pids, Func<Task<string>> round)
    {
        for (var r = 1; r <= MaxWarmUpRounds; r++)
        {
            var before = pids.Select(JitThread.CpuTime).ToArray();
            var sw = Stopwatch.StartNew();
            var detail = await round();
            var seconds = sw.Elapsed.TotalSeconds;
            var jit = pids.Select((pid, i) => (JitThread.CpuTime(pid) - before[i]).TotalSeconds).Max();
            Console.WriteLine($"  {label} round {r}: {detail}JIT thread {jit / seconds:P1} of the round");
            if (jit < 0.02 * seconds) return;
        }
    }

    /// <summary>Posts the jobs as batches of 1,000 round robin and waits until the journal has them all completed.</summary>
    private static async Task<(double Submitted, double Total)> PostBatches(TestCluster cluster, int jobs)
    {
        var db = cluster.Db;
        const int perBatch = 1000;
        var baseline = await Journal.CountCompletedAsync(db);
        var sw = Stopwatch.StartNew();
        var batches = (jobs + perBatch - 1) / perBatch;
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (b, ct) =>
        {
            var size = Math.Min(perBatch, jobs - b * perBatch);
            var body = new { id = $"tp-{Guid.NewGuid():N}", jobs = Enumerable.Repeat(new { type = "noop" }, size).ToArray() };
            var r = await cluster.Nodes[b % cluster.Nodes.Count].Http.PostAsJsonAsync("/api/batches", body, ct);
            r.EnsureSuccessStatusCode();
        });
        var submitted = sw.Elapsed.TotalSeconds;
        var total = await Journal.WaitCompletedAsync(db, baseline + jobs, TimeSpan.FromMinutes(10), sw);
        return (submitted, total.TotalSeconds);
    }

    public static async Task Hangfire(Results results, PostgresServer pg, int workers, int jobs)
    {
        var db = await pg.CreateDatabaseAsync();
        using var peer = HangfirePeer.Start(db, workers);
        var warm = HangfirePeer.ExpectCompletions(WarmUpJobs / 10); // ~100 jobs/s: 200 jobs is a 2 s warm-up
        for (var i = 0; i < WarmUpJobs / 10; i++) peer.Client.Enqueue(() => HangfirePeer.Noop());
        await HangfirePeer.WaitAsync(warm, TimeSpan.FromSeconds(20));

        var done = HangfirePeer.ExpectCompletions(jobs);
        var elapsed = await peer.EnqueueNoopsAsync(jobs);
        var submitted = elapsed.TotalSeconds;
        var start = Stopwatch.GetTimestamp() - elapsed.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var (completed, last) = await HangfirePeer.WaitAsync(done, TimeSpan.FromSeconds(20));
        var total = (last - start) / (double)Stopwatch.Frequency;
        results.Add(Name, $"hangfire-postgres-w{workers}", "submit_jobs_per_s", jobs / submitted);
        results.Add(Name, $"hangfire-postgres-w{workers}", "jobs_per_s", completed / total);
    }
}
