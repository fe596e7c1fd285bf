using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// How long a client waits to see its own write in a list. Two probes, one at a time:
/// <c>accepted_to_listed</c> — from a POST's 202 until <c>GET /api/jobs</c> lists the job;
/// <c>failed_to_dlq</c> — from the moment <c>GET /api/jobs/{id}</c> says a job failed until
/// <c>GET /api/dlq</c> lists it. Lists are read on another node than the one that took the POST
/// (on one node: the same one). Polled every 2 ms. SQLite on one node, PostgreSQL on three.
/// </summary>
public static class Freshness
{
    public const string Name = "freshness";

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task Measure(Results results, PostgresServer pg, int probes)
    {
        await using (var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-fresh-sqlite"), env: BenchNodes.Env()))
            await MeasureNodes(results, "jobs-sqlite-1node", [node], probes);
        await using var cluster = await TestCluster.StartAsync(pg, null, 3, _ => BenchNodes.Env());
        await MeasureNodes(results, "jobs-postgres-3nodes", cluster.Nodes, probes);
    }

    private static async Task MeasureNodes(Results results, string system, IReadOnlyList<NodeProcess> nodes, int probes)
    {
        var listed = new List<double>();
        var dead = new List<double>();
        for (var i = 0; i < probes; i++)
        {
            var writer = nodes[i % nodes.Count];
            var reader = nodes[(i + 1) % nodes.Count].Http;
            var id = IdOf(await writer.SubmitAsync(new { type = "noop" }));
            var sw = Stopwatch.StartNew();
            await Until(() => Lists(reader, "/api/jobs?limit=50", id), "a job in GET /api/jobs");
            listed.Add(sw.Elapsed.TotalMilliseconds);

            // a script that throws, one attempt: failed as soon as its attempt ends
            var failing = IdOf(await writer.SubmitAsync(new { type = "script", payload = new { code = "throw new Error('probe')" }, maxAttempts = 1 }));
            await Until(async () => (await writer.GetJobAsync(failing))?.GetProperty("status").GetString() == "failed", "a job failed");
            sw.Restart();
            await Until(() => Lists(reader, "/api/dlq?limit=50", failing), "a failed job in GET /api/dlq");
            dead.Add(sw.Elapsed.TotalMilliseconds);
        }
        Report(results, system, "accepted_to_listed", listed);
        Report(results, system, "failed_to_dlq", dead);
        Console.WriteLine($"{Name} {system}: accepted→listed p50 {Percentiles.Of(Sorted(listed), 0.5):0} ms, failed→dlq p50 {Percentiles.Of(Sorted(dead), 0.5):0} ms");
    }

    private static void Report(Results results, string system, string probe, List<double> ms)
    {
        var sorted = Sorted(ms);
        results.Add(Name, system, $"{probe}_ms_p50", Percentiles.Of(sorted, 0.5));
        results.Add(Name, system, $"{probe}_ms_p95", Percentiles.Of(sorted, 0.95));
        results.Add(Name, system, $"{probe}_ms_max", sorted[^1]);
    }

    private static List<double> Sorted(List<double> ms) => [.. ms.Order()];

    private static string IdOf(JsonElement job) => job.GetProperty("id").GetString()!;

    private static async Task<bool> Lists(HttpClient http, string path, string id)
    {
        var page = await http.GetFromJsonAsync<JsonElement>(path);
        return page.GetProperty("items").EnumerateArray().Any(j => j.GetProperty("id").GetString() == id);
    }

    private static Task Until(Func<Task<bool>> probe, string what) => Eventually.Until(probe, Deadline, what, PollEvery);
}
