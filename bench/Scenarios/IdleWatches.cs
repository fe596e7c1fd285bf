using System.Net.Http.Json;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// What jobs waiting for their dependencies cost a node that has nothing else to do: one node
/// process (SQLite), measured empty, then holding <c>dependencies</c> jobs that wait for a far
/// <c>runAt</c> (so none ever ends) and <c>waiting</c> jobs that each depend on all of them. Each
/// phase settles, then the node's CPU (cores: utime + stime from <c>/proc/&lt;pid&gt;/stat</c> over
/// the window) and RSS (<c>VmRSS</c> at the end) are read. With <c>--compare-node PATH</c> another
/// build is measured the same way in the same run.
/// </summary>
public static class IdleWatches
{
    public const string Name = "idle-watches";

    /// <summary>Jobs per <c>POST /api/batches</c> (each names up to 100 dependencies: about 3 KB).</summary>
    private const int BatchSize = 500;

    public static async Task Measure(Results results, string system, string? nodeDll, int waiting, int dependencies, TimeSpan settle, TimeSpan window)
    {
        var env = BenchNodes.Env(new() { ["JOBS_HANDLER_ASSEMBLIES"] = "" }); // another build may not load this build's test handlers
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-idle-watches"), env: env, nodeDll: nodeDll);

        Console.WriteLine($"  {system}: empty, settling {settle.TotalSeconds:0} s, measuring {window.TotalSeconds:0} s");
        await Task.Delay(settle);
        var (emptyCores, emptyRss) = await Sample(node.Pid, window);

        var runAt = DateTimeOffset.UtcNow.AddDays(1);
        var ids = new List<string>();
        for (var i = 0; i < dependencies; i++)
            ids.Add((await node.SubmitAsync(new { type = "noop", runAt }, retryBusy: true)).GetProperty("id").GetString()!);
        for (var start = 0; start < waiting; start += BatchSize)
        {
            var body = new { jobs = Enumerable.Range(0, Math.Min(BatchSize, waiting - start)).Select(_ => new { type = "noop", dependsOn = ids }) };
            var response = await node.Http.PostAsJsonAsync("/api/batches", body);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Console.WriteLine($"  {system}: {waiting} jobs × {dependencies} dependencies waiting, settling {settle.TotalSeconds:0} s, measuring {window.TotalSeconds:0} s");
        await Task.Delay(settle);
        var (loadedCores, loadedRss) = await Sample(node.Pid, window);

        results.Add(Name, system, "empty_cores", emptyCores);
        results.Add(Name, system, "waiting_cores", loadedCores);
        results.Add(Name, system, "empty_rss_mib", emptyRss);
        results.Add(Name, system, "waiting_rss_mib", loadedRss);
        results.Add(Name, system, "added_rss_mib", loadedRss - emptyRss);
    }

    /// <summary>Cores the process used on average over <paramref name="window"/>, and its RSS (MiB) at the end.</summary>
    private static async Task<(double Cores, double RssMib)> Sample(int pid, TimeSpan window)
    {
        var t0 = ProcStat.Ticks(await File.ReadAllTextAsync($"/proc/{pid}/stat"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(window);
        var t1 = ProcStat.Ticks(await File.ReadAllTextAsync($"/proc/{pid}/stat"));
        var cores = ProcStat.ToTime(t1 - t0).TotalSeconds / clock.Elapsed.TotalSeconds;
        var rssKb = (await File.ReadAllLinesAsync($"/proc/{pid}/status")).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return (cores, long.Parse(rssKb) / 1024.0);
    }
}
