using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Jobs.Messages;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Three nodes under a steady load (script jobs of 300 ms at 60/s over HTTP); kill -9 one. failover_s =
/// kill → the moment every job its partitions held unfinished at the kill had started again on a
/// survivor; reexecutions = jobs that started more than once.
/// </summary>
public static class Failover
{
    public const string Name = "failover";

    /// <summary>The defaults, and a more conservative profile (a node silent for 3 s is suspected, downed 5 s later, its partitions moved 3 s after that).</summary>
    public static readonly (string System, Dictionary<string, string> Env)[] Profiles =
    [
        ("jobs-postgres-3nodes", new() { ["JOBS_CAPACITY"] = "16" }),
        ("jobs-postgres-3nodes-conservative", new()
        {
            ["JOBS_CAPACITY"] = "16", ["JOBS_HEARTBEAT_PAUSE_MS"] = "3000", ["JOBS_SBR_STABLE_AFTER_MS"] = "5000", ["JOBS_DOWN_REMOVAL_MARGIN_MS"] = "3000",
        }),
    ];

    public static async Task Measure(Results results, PostgresServer pg, string system, Dictionary<string, string> env)
    {
        await using var cluster = await TestCluster.StartAsync(pg, null, 3, _ => BenchNodes.Env(env));
        var db = cluster.Db;
        var victim = 2;
        var victimShards = (await cluster.ShardsOfAsync(victim)).Select(int.Parse).ToHashSet();
        using var stop = new CancellationTokenSource();
        var load = Load(cluster, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(8));
        // Kill only once the victim is running jobs (its live jobs_running gauge): on a machine busy
        // with something else the load can lag, and a kill with nothing held measures nothing (it
        // happened once in an `all` run, after Hangfire's failed 1,000/s latency run).
        await Eventually.Until(() => cluster.Nodes[victim].MetricAsync("jobs_running"), running => running >= 2, TimeSpan.FromSeconds(60), "the victim running at least 2 jobs");

        var killedAt = DateTimeOffset.UtcNow;
        cluster.Nodes[victim].Kill();
        await Task.Delay(TimeSpan.FromSeconds(40));
        stop.Cancel();
        var submitted = await load;
        await Journal.WaitCompletedAsync(db, submitted, TimeSpan.FromMinutes(5));
        await Task.Delay(2000); // read model catches up

        var jobs = await ListAll(cluster.Nodes[0]);
        // unfinished at the kill: not completed by then, and not completed by the victim itself (its last
        // completions land a few ms after the kill call returns, before the signal takes effect)
        var held = jobs.Where(j => victimShards.Contains(JobIds.PartitionOf(j.Id, 32)) && j.CreatedAt < killedAt
                                   && (j.CompletedAt ?? DateTimeOffset.MaxValue) > killedAt && j.Node != cluster.NameOf(victim)).ToList();
        var restartedAt = held.Select(j => j.Starts.Where(s => s.At >= killedAt && s.Node != cluster.NameOf(victim)).Select(s => s.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min()).ToList();
        if (held.Count == 0 || restartedAt.Any(t => t == DateTimeOffset.MaxValue))
            throw new InvalidOperationException($"failover: {held.Count} held jobs, {restartedAt.Count(t => t == DateTimeOffset.MaxValue)} never restarted");
        results.Add(Name, system, "failover_s", (restartedAt.Max() - killedAt).TotalSeconds);
        results.Add(Name, system, "first_takeover_s", (restartedAt.Min() - killedAt).TotalSeconds);
        results.Add(Name, system, "reexecutions", jobs.Count(j => j.Starts.Count > 1));
        Console.WriteLine($"  failover: the dead node held {held.Count} unfinished jobs; {jobs.Count} jobs in all");
        var late = held.Zip(restartedAt).Where(x => (x.Item2 - killedAt).TotalSeconds > (restartedAt.Min() - killedAt).TotalSeconds + 3).ToList();
        if (late.Count > 0)
            Console.WriteLine($"  failover: {late.Count} restarted late, partitions {string.Join(",", late.Select(x => JobIds.PartitionOf(x.Item1.Id, 32)).Distinct())}, delays {string.Join(",", late.Select(x => (x.Item2 - killedAt).TotalSeconds.ToString("F1")).Distinct().Take(10))}");
        foreach (var (j, t) in held.Zip(restartedAt))
            Console.WriteLine($"    {j.Id} p{JobIds.PartitionOf(j.Id, 32)} created {(j.CreatedAt - killedAt).TotalSeconds:F1} restarted {(t - killedAt).TotalSeconds:F1} starts {string.Join(" ", j.Starts.Select(s => $"{(s.At - killedAt).TotalSeconds:F1}@{s.Node}"))}");
    }

    private static async Task<int> Load(TestCluster cluster, CancellationToken stop)
    {
        var n = 0;
        var sw = Stopwatch.StartNew();
        var tasks = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            var i = n++;
            tasks.Add(Task.Run(async () =>
            {
                var body = new { type = "script", payload = new { code = "sleep(300); 1" }, idempotencyKey = $"load-{i}" };
                for (var attempt = 0; ; attempt++)
                {
                    var node = cluster.Nodes[(i + attempt) % 2]; // the two survivors take the submissions
                    try
                    {
                        var r = await node.Http.PostAsJsonAsync("/api/jobs", body);
                        if (r.IsSuccessStatusCode) return;
                    }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { }
                    await Task.Delay(200);
                }
            }));
            var due = TimeSpan.FromSeconds(n / 60.0);
            while (sw.Elapsed < due) await Task.Delay(5);
        }
        await Task.WhenAll(tasks);
        return n;
    }

    public sealed record Start(DateTimeOffset At, string? Node);
    public sealed record Job(string Id, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? Node, List<Start> Starts);

    private static async Task<List<Job>> ListAll(NodeProcess node)
    {
        var all = new List<Job>();
        string? cursor = null;
        do
        {
            using var doc = JsonDocument.Parse(await node.Http.GetStringAsync("/api/jobs?limit=1000" + (cursor is null ? "" : "&cursor=" + cursor)));
            foreach (var j in doc.RootElement.GetProperty("items").EnumerateArray())
                all.Add(new Job(j.GetProperty("id").GetString()!, j.GetProperty("createdAt").GetDateTimeOffset(),
                    j.TryGetProperty("completedAt", out var c) && c.ValueKind == JsonValueKind.String ? c.GetDateTimeOffset() : null,
                    j.TryGetProperty("node", out var jn) && jn.ValueKind == JsonValueKind.String ? jn.GetString() : null,
                    j.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("event").GetString() == "started")
                        .Select(h => new Start(h.GetProperty("at").GetDateTimeOffset(), h.TryGetProperty("node", out var nn) ? nn.GetString() : null)).ToList()));
            cursor = doc.RootElement.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return all;
    }
}
