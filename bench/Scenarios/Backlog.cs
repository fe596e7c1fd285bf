using System.Diagnostics;
using System.Net.Http.Json;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// 100,000 pending jobs that cannot run (queue "backlog", which the node does not serve): RSS per
/// pending job; then kill -9 and restart the node serving "backlog" — recovery_s = process start →
/// first backlog job completed.
/// </summary>
public static class Backlog
{
    public const string Name = "backlog";

    public static async Task Measure(Results results, PostgresServer pg, int jobs)
    {
        var db = await pg.CreateDatabaseAsync();
        var dir = TestPaths.NewTempDir("bench-backlog");
        var port = PostgresServer.FreePort();
        Dictionary<string, string> Env(string roles) => BenchNodes.Env(new()
        {
            ["JOBS_PERSISTENCE"] = "postgres",
            ["JOBS_DB"] = db,
            ["JOBS_CLUSTER_PORT"] = port.ToString(),
            ["JOBS_QUEUES"] = "default,backlog",
            ["JOBS_CLUSTER_ROLES"] = roles,
        });
        var node = await NodeProcess.StartAsync(dir, null, Env("default"));
        try
        {
            await node.SubmitAsync(new { type = "noop", queue = "backlog" }); // partitions up, JIT warm
            await Task.Delay(3000);
            var before = Rss(node.Pid);
            var (gcBefore, anonBefore) = (await GcCommitted(node), AnonRss(node.Pid));
            var trimsBefore = await HeapTrims(node);
            const int perBatch = 10_000;
            for (var b = 0; b < jobs / perBatch; b++)
            {
                var body = new { id = $"backlog-{b}", jobs = Enumerable.Repeat(new { type = "noop", queue = "backlog" }, perBatch).ToArray() };
                var r = await node.Http.PostAsJsonAsync("/api/batches", body);
                r.EnsureSuccessStatusCode();
            }
            var posted = Stopwatch.StartNew();
            var trimmed = await AwaitHeapTrim(node, trimsBefore, TimeSpan.FromSeconds(120));
            Console.WriteLine(trimmed
                ? $"  backlog: the node went quiet and trimmed its heap {posted.Elapsed.TotalSeconds:0.0} s after the last post"
                : "  backlog: no heap trim within 120 s of the last post (the node never went quiet): measured without one");
            var after = await RssAtRest(node.Pid);
            results.Add(Name, "jobs-postgres-1node", "bytes_per_pending_job", (after - before) / (double)jobs);
            Console.WriteLine($"  backlog: RSS {before / 1048576.0:0} MiB → {after / 1048576.0:0} MiB with {jobs} pending jobs");
            var (gcAfter, anonAfter) = (await GcCommitted(node), AnonRss(node.Pid));
            Console.WriteLine($"  backlog: per pending job, GC committed {(gcAfter - gcBefore) / jobs:0} B, anonymous RSS {(anonAfter - anonBefore) / (double)jobs:0} B " +
                              $"(the rest of the RSS growth is file-backed: code and mapped files)");
            await PrintHeap(node);
            if (Environment.GetEnvironmentVariable("BENCH_BACKLOG_DUMP") is { Length: > 0 } dump) await Dump(node.Pid, dump);
        }
        finally
        {
            node.Kill();
            await node.DisposeAsync();
        }

        var baseline = await Journal.CountCompletedAsync(db);
        var sw = Stopwatch.StartNew();
        await using var restarted = await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-backlog2"), null, Env("default,backlog"), waitReady: false);
        var recovered = await Journal.WaitCompletedAsync(db, baseline + 1, TimeSpan.FromMinutes(5), sw);
        results.Add(Name, "jobs-postgres-1node", "recovery_s", recovered.TotalSeconds);
    }

    /// <summary>What the RSS is made of at rest: the managed heap after the last GC (per generation, and its free fragments) and the GC's committed memory, from the node's /metrics.</summary>
    private static async Task PrintHeap(NodeProcess node)
    {
        var metrics = PrometheusText.Parse(await node.Http.GetStringAsync("/metrics"));
        double Mib(string name, params (string, string)[] labels) => PrometheusText.Value(metrics, name, labels) / 1048576.0;
        var gens = new[] { "gen0", "gen1", "gen2", "loh", "poh" };
        var heap = string.Join(", ", gens.Select(g => $"{g} {Mib("dotnet_gc_last_collection_heap_size_bytes", ("gc_heap_generation", g)):0.0}"));
        var free = gens.Sum(g => Mib("dotnet_gc_last_collection_heap_fragmentation_size_bytes", ("gc_heap_generation", g)));
        Console.WriteLine($"  backlog: managed heap after the last GC (MiB): {heap}; of which free fragments {free:0.0}; " +
                          $"GC committed {Mib("dotnet_gc_last_collection_memory_committed_size_bytes"):0.0} MiB; " +
                          $"heap trims {PrometheusText.Value(metrics, "jobs_heap_trims_total")}, gen2 collections " +
                          $"{PrometheusText.Value(metrics, "dotnet_gc_collections_total", ("gc_heap_generation", "gen2"))}");
    }

    /// <summary>
    /// "At rest" means after the node went quiet: the projection has written the backlog's rows to
    /// the read model and the node's heap trim (HeapTrimRule: the first quiet 5 s after a burst) ran.
    /// Reading RSS before that measures a node still busy and untrimmed (2,444 B per job with no
    /// trim yet, against about 700 after one).
    /// </summary>
    private static async Task<bool> AwaitHeapTrim(NodeProcess node, double trimsBefore, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (await HeapTrims(node) > trimsBefore) return true;
            await Task.Delay(1000);
        }
        return false;
    }

    private static Task<double> HeapTrims(NodeProcess node) => node.MetricAsync("jobs_heap_trims_total");

    private static Task<double> GcCommitted(NodeProcess node) => node.MetricAsync("dotnet_gc_last_collection_memory_committed_size_bytes");

    /// <summary>Anonymous (not file-backed) resident memory, from /proc/PID/status: the GC heap, native allocations, thread stacks.</summary>
    private static long AnonRss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no RssAnon");
    }

    /// <summary>Experiments: BENCH_BACKLOG_DUMP=/tmp/node.dmp writes a full dump of the node at rest (the runtime's createdump), for a heap walk.</summary>
    private static async Task Dump(int pid, string path)
    {
        var createdump = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        using var p = Process.Start(createdump, ["--full", "-f", path, pid.ToString()]);
        await p.WaitForExitAsync();
        Console.WriteLine($"  backlog: dump of the node at rest in {path} (exit {p.ExitCode})");
    }

    /// <summary>
    /// RSS once the node is at rest: sampled every second until it has not fallen by more than
    /// 1 MiB for 12 s (more than two heap-trim intervals, HeapTrimRule), at most 90 s.
    /// </summary>
    private static async Task<long> RssAtRest(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var low = Rss(pid);
        var lowSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - lowSince < TimeSpan.FromSeconds(12))
        {
            await Task.Delay(1000);
            var rss = Rss(pid);
            if (rss < low - (1 << 20)) (low, lowSince) = (rss, DateTime.UtcNow);
        }
        return Rss(pid);
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS");
    }
}
