using Jobs.Bench;
using Jobs.Bench.Scenarios;
using Results = Jobs.Bench.Results;

// Benchmarks, side by side with Hangfire on the same PostgreSQL (started here, like the tests do).
// Usage: dotnet run -c Release --project bench -- [all|throughput|http-single|latency|ceiling|failover|backlog|journal-burst|script|idle-watches|freshness|dashboard|schedules]
//        [--runs 3] [--jobs 20000] [--hangfire-jobs 5000] [--capacity 256] [--burst-jobs 100000] [--burst-calls 6,24]
//        [--script-jobs 200] [--script-batch 2000] [--idle-jobs 5000] [--idle-deps 100] [--idle-settle-s 30] [--idle-window-s 60]
//        [--http-connections 64] [--http-seconds 10] [--http-rate 2000] [--http-systems sqlite,postgres-1,postgres-3,hangfire] [--fresh-probes 100]
//        [--dashboard-jobs 1000000] [--dashboard-calls 50] [--schedules 10000] [--schedule-minutes 2] [--compare-node PATH --compare-label NAME]
var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Opt(string name, int fallback) => Arg(name) is { } v ? int.Parse(v) : fallback;
var runs = Opt("--runs", 3);
var jobs = Opt("--jobs", 20_000);
// Hangfire runs ~100 jobs/s here, so 20,000 would take minutes per configuration; its rate is steady after the first second.
var hangfireJobs = Opt("--hangfire-jobs", 3_000);
var capacity = Opt("--capacity", 256);
// the batch burst lasts long enough for a busiest second that is not the whole run
var burstJobs = Opt("--burst-jobs", 100_000);
if (Arg("--burst-calls") is { } levels)
    JournalBurst.CallLevels = levels.Split(',').Select(int.Parse).ToArray();
BenchNodes.Capacity = capacity;
var scriptJobs = Opt("--script-jobs", 200);
var scriptBatch = Opt("--script-batch", 2000);
// another build of the node, measured beside this one by the script scenario (e.g. before a change)
var compareNode = Arg("--compare-node");
var compareLabel = Arg("--compare-label") ?? "compared";
var idleJobs = Opt("--idle-jobs", 5000);
var idleDeps = Opt("--idle-deps", 100);
var idleSettle = TimeSpan.FromSeconds(Opt("--idle-settle-s", 30));
var idleWindow = TimeSpan.FromSeconds(Opt("--idle-window-s", 60));
var httpConnections = Opt("--http-connections", 64);
var httpDuration = TimeSpan.FromSeconds(Opt("--http-seconds", 10));
var httpRate = Opt("--http-rate", 2000);
var httpSystems = (Arg("--http-systems") ?? string.Join(',', HttpSingle.Systems)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (httpSystems.Except(HttpSingle.Systems).FirstOrDefault() is { } unknownSystem)
{
    Console.Error.WriteLine($"--http-systems: '{unknownSystem}' is not one of {string.Join(", ", HttpSingle.Systems)}");
    return 2;
}
var freshProbes = Opt("--fresh-probes", 100);
var dashboardJobs = Opt("--dashboard-jobs", 1_000_000);
var dashboardCalls = Opt("--dashboard-calls", 50);
var scheduleCount = Opt("--schedules", 10_000);
var scheduleMinutes = Opt("--schedule-minutes", 2);
var known = new[] { "all", Throughput.Name, Latency.Name, Ceiling.Name, Failover.Name, Backlog.Name, "throughput-cluster", "throughput-postgres", BacklogState.Name, JournalBurst.Name, ScriptJobs.Name, IdleWatches.Name, HttpSingle.Name, Freshness.Name, Dashboard.Name, Schedules.Name };
if (!known.Contains(scenario))
{
    Console.Error.WriteLine($"usage: bench [{string.Join('|', known)}] [--runs N] [--jobs N] [--hangfire-jobs N] [--capacity N] [--burst-jobs N] [--burst-calls N,N] [--script-jobs N] [--script-batch N] [--idle-jobs N] [--idle-deps N] [--idle-settle-s N] [--idle-window-s N] [--http-connections N] [--http-seconds N] [--http-rate N] [--http-systems S,S] [--fresh-probes N] [--dashboard-jobs N] [--dashboard-calls N] [--schedules N] [--schedule-minutes N] [--compare-node PATH] [--compare-label NAME]");
    return 2;
}
bool Runs(string s) => scenario == "all" || scenario == s;

var results = new Results();
var failures = 0;
// BENCH_PG_OPTIONS: extra server options (experiments); with pg_stat_statements preloaded, the
// statements that took the server's time are printed at the end.
var pgOptions = Environment.GetEnvironmentVariable("BENCH_PG_OPTIONS") ?? "";
var pg = new PostgresServer { ExtraOptions = pgOptions };
await pg.InitializeAsync();
try
{
    double? ceiling = null;
    if (Runs(Ceiling.Name) || Runs(Throughput.Name) || Runs(JournalBurst.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"ceiling, run {r + 1}/{runs}");
            var c = await Ceiling.Measure(results, pg, TimeSpan.FromSeconds(5));
            ceiling = ceiling is null ? c : Math.Max(ceiling.Value, c);
        }
    if (Runs(Throughput.Name) || scenario == "throughput-postgres" || Runs(JournalBurst.Name))
    {
        Console.WriteLine($"throughput: process warm-up (one engine per store, {jobs} jobs each, not measured)");
        await Throughput.WarmUpProcess(pg, jobs, capacity);
    }
    if (Runs(Throughput.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"throughput, run {r + 1}/{runs} ({jobs} jobs)");
            await Throughput.OursInProcess(results, "jobs-sqlite-1node", null, jobs, capacity);
            await Throughput.OursInProcess(results, "jobs-postgres-1node", await pg.CreateDatabaseAsync(), jobs, capacity);
            await Throughput.OursCluster(results, pg, jobs, nodes: 1);
            await Throughput.OursCluster(results, pg, jobs);
            foreach (var workers in new[] { 10, 20 })
                await Throughput.Hangfire(results, pg, workers, hangfireJobs);
        }
    if (scenario == "throughput-postgres") // one node on PostgreSQL alone: the profiling target
        for (var r = 0; r < runs; r++)
            await Throughput.OursInProcess(results, "jobs-postgres-1node", await pg.CreateDatabaseAsync(), jobs, capacity);
    if (scenario == "throughput-cluster")
        for (var r = 0; r < runs; r++)
        {
            await Throughput.OursCluster(results, pg, jobs, nodes: 1);
            await Throughput.OursCluster(results, pg, jobs);
        }
    if (Runs(HttpSingle.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"http-single, run {r + 1}/{runs}");
            await Guard(() => HttpSingle.Measure(results, pg, httpConnections, httpDuration, httpRate, hangfireJobs, httpSystems));
        }
    if (Runs(Freshness.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"freshness, run {r + 1}/{runs} ({freshProbes} probes of each kind)");
            await Guard(() => Freshness.Measure(results, pg, freshProbes));
        }
    if (Runs(Dashboard.Name)) // once: the read model is the same each run, and a million rows take a while to write
    {
        Console.WriteLine($"dashboard ({dashboardJobs:N0} jobs in the read model, {dashboardCalls} calls each)");
        await Guard(() => Dashboard.Measure(results, pg, dashboardJobs, dashboardCalls));
    }
    if (Runs(Schedules.Name)) // once: each run is whole minutes of wall clock
    {
        Console.WriteLine($"schedules ({scheduleCount:N0} schedules firing every minute, {scheduleMinutes} minute(s))");
        await Guard(() => Schedules.Measure(results, pg, scheduleCount, scheduleMinutes));
    }
    if (Runs(JournalBurst.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"journal-burst, run {r + 1}/{runs} ({burstJobs} jobs in batches)");
            await JournalBurst.Measure(results, pg, burstJobs, capacity);
        }
    // journal efficiency ÷ the raw ceiling, for each variant of ours on PostgreSQL: `efficiency` with the
    // events journaled per second sustained over its best whole run (jobs/s × 3: a noop job is accepted,
    // started, completed); `efficiency_peak` with the journal's busiest second of the in-process
    // run (its rows' write stamps, Journal.BusiestSecondAsync); `efficiency_peak_batches`
    // the same for the journal-burst scenario (jobs submitted as batches of 1,000: the journal's busiest load)
    if (ceiling is { } raw)
        foreach (var ours in results.Summary().Where(x => x.Scenario is Throughput.Name or JournalBurst.Name && x.System.StartsWith("jobs-postgres-", StringComparison.Ordinal) && x.Runs > 0).ToList())
        {
            if (ours.Scenario == JournalBurst.Name)
            {
                if (ours.Metric == "journal_events_per_s_peak") results.Add(Ceiling.Name, ours.System, "efficiency_peak_batches", ours.Max / raw);
                continue;
            }
            if (ours.Metric == "jobs_per_s") results.Add(Ceiling.Name, ours.System, "efficiency", ours.Max * 3 / raw);
            if (ours.Metric == "journal_events_per_s_peak") results.Add(Ceiling.Name, ours.System, "efficiency_peak", ours.Max / raw);
        }
    if (Runs(Latency.Name))
        for (var r = 0; r < runs; r++)
            foreach (var rate in new[] { 100, 1000 })
            {
                Console.WriteLine($"latency at {rate}/s, run {r + 1}/{runs}");
                await Guard(() => Latency.Ours(results, pg, rate, TimeSpan.FromSeconds(20)));
                // Hangfire's client can exhaust its connection pool at 1,000/s: reported, not fatal
                await Guard(() => Latency.Hangfire(results, pg, 20, rate, TimeSpan.FromSeconds(20)));
            }
    if (Runs(Failover.Name))
        for (var r = 0; r < runs; r++)
        {
            foreach (var (system, env) in Failover.Profiles)
            {
                Console.WriteLine($"failover ({system}), run {r + 1}/{runs}");
                await Guard(() => Failover.Measure(results, pg, system, env));
            }
        }
    if (Runs(ScriptJobs.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"script, run {r + 1}/{runs}");
            await Guard(() => ScriptJobs.Measure(results, "jobs-sqlite-1node", null, scriptJobs, scriptBatch));
            if (compareNode is not null) await Guard(() => ScriptJobs.Measure(results, $"jobs-sqlite-1node-{compareLabel}", compareNode, scriptJobs, scriptBatch));
        }
    if (Runs(IdleWatches.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"idle-watches, run {r + 1}/{runs}");
            await Guard(() => IdleWatches.Measure(results, "jobs-sqlite-1node", null, idleJobs, idleDeps, idleSettle, idleWindow));
            if (compareNode is not null) await Guard(() => IdleWatches.Measure(results, $"jobs-sqlite-1node-{compareLabel}", compareNode, idleJobs, idleDeps, idleSettle, idleWindow));
        }
    if (Runs(Backlog.Name) || scenario == BacklogState.Name)
        BacklogState.Measure(results, 100_000);
    if (Runs(Backlog.Name))
        for (var r = 0; r < runs; r++)
        {
            Console.WriteLine($"backlog, run {r + 1}/{runs}");
            await Guard(() => Backlog.Measure(results, pg, 100_000));
        }
}
finally
{
    if (pgOptions.Contains("pg_stat_statements", StringComparison.Ordinal)) await PgStatements.PrintAsync(pg);
    await pg.DisposeAsync();
}

Console.WriteLine();
Console.WriteLine(results.Markdown());
if (failures > 0) Console.WriteLine($"\n{failures} scenario run(s) failed; see the ERROR lines above");
var json = Path.Combine(TestPaths.RepoRoot, "bench", "results", "latest.json");
results.WriteJson(json);
Console.WriteLine($"\n(results also in {json})");
return failures > 0 ? 1 : 0;

// One failed scenario run is reported, and the others still run and print.
async Task Guard(Func<Task> run)
{
    try
    {
        await run();
    }
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"  ERROR: {e.GetType().Name}: {e.Message}");
    }
}
