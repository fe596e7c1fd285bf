using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Trivial <c>script</c> jobs (<c>1 + 1</c>) on one node process (SQLite), end to end over HTTP:
/// the handler's time per job (completedAt − startedAt of each job, sequential submissions) beside
/// a <c>noop</c> job's on the same node — what running a script costs on top of the engine — and
/// the throughput of a batch of them. With <c>--compare-node PATH</c> another build of the node
/// (e.g. the one before scripts moved to sandbox processes) is measured the same way in the same
/// run, and the difference of the script medians is the sandbox's overhead per job.
/// </summary>
public static class ScriptJobs
{
    public const string Name = "script";

    public static async Task Measure(Results results, string system, string? nodeDll, int sequential, int batchJobs)
    {
        var env = BenchNodes.Env(new()
        {
            ["JOBS_CAPACITY"] = "4",
            ["JOBS_HANDLER_ASSEMBLIES"] = "", // another build may not load this build's test handlers
        });
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-script"), env: env, nodeDll: nodeDll);
        await Sequential(node, "noop", null, 20); // warm-up: JIT, partitions, the sandbox's first workers
        await Sequential(node, "script", "1 + 1", 50);
        var noop = await Sequential(node, "noop", null, sequential);
        var script = await Sequential(node, "script", "1 + 1", sequential);
        results.Add(Name, system, "noop_handler_ms_p50", Percentile(noop, 0.5));
        results.Add(Name, system, "script_handler_ms_p50", Percentile(script, 0.5));
        results.Add(Name, system, "script_handler_ms_p95", Percentile(script, 0.95));
        results.Add(Name, system, "script_over_noop_ms_p50", Percentile(script, 0.5) - Percentile(noop, 0.5));
        results.Add(Name, system, "script_jobs_per_s", await Batch(node, batchJobs));
    }

    /// <summary>The handler time (ms) of each of <paramref name="count"/> jobs, one submitted after the other completed.</summary>
    private static async Task<double[]> Sequential(NodeProcess node, string type, string? code, int count)
    {
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var job = code is null ? (object)new { type } : new { type, payload = new { code } };
            var id = (await node.SubmitAsync(job)).GetProperty("id").GetString()!;
            var done = await node.WaitForStatusAsync(id, "completed");
            times[i] = (done.GetProperty("completedAt").GetDateTimeOffset() - done.GetProperty("startedAt").GetDateTimeOffset()).TotalMilliseconds;
        }
        return times;
    }

    /// <summary>Script jobs per second: <paramref name="jobs"/> submitted as batches of 500, until the last completed.</summary>
    private static async Task<double> Batch(NodeProcess node, int jobs)
    {
        var sw = Stopwatch.StartNew();
        var batches = new List<string>();
        for (var start = 0; start < jobs; start += 500)
        {
            var body = new { jobs = Enumerable.Range(0, Math.Min(500, jobs - start)).Select(_ => new { type = "script", payload = new { code = "1 + 1" } }) };
            var response = await node.Http.PostAsJsonAsync("/api/batches", body);
            response.EnsureSuccessStatusCode();
            batches.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        }
        foreach (var batch in batches)
            await Eventually.Until(async () => JsonDocument.Parse(await node.Http.GetStringAsync($"/api/batches/{batch}")).RootElement.GetProperty("status").GetString() == "completed",
                TimeSpan.FromMinutes(10), $"batch {batch} to complete");
        return jobs / sw.Elapsed.TotalSeconds;
    }

    private static double Percentile(double[] values, double q) => Percentiles.Of(values.Order().ToArray(), q);
}
