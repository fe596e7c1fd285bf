using System.Collections.Concurrent;
using System.Diagnostics;
using Hangfire;
using Jobs.Messages;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Pickup latency: jobs submitted at a fixed rate; latency = handler started − submission
/// answered (the job is durable when the answer comes, for us and for Hangfire). Negative values
/// (the handler started before the answer reached the client) count as 0.
/// </summary>
public static class Latency
{
    public const string Name = "latency";

    public static async Task Ours(Results results, PostgresServer pg, int rate, TimeSpan duration)
    {
        await using var engine = await InProcessEngine.StartAsync(await pg.CreateDatabaseAsync());
        InProcessEngine.Started.Clear();
        var answered = new ConcurrentDictionary<string, long>();
        var count = (int)(rate * duration.TotalSeconds);
        var done = engine.ExpectCompletions(count);
        await Paced(rate, count, async i =>
        {
            var (view, _) = await engine.Client.SubmitAsync(new JobSpec { Type = "stamp" });
            answered[view.Id] = Stopwatch.GetTimestamp();
        });
        await done.WaitAsync(TimeSpan.FromMinutes(5));
        Report(results, $"jobs-postgres-1node", rate, answered.Select(kv => InProcessEngine.Started[kv.Key] - kv.Value));
    }

    public static async Task Hangfire(Results results, PostgresServer pg, int workers, int rate, TimeSpan duration)
    {
        using var peer = HangfirePeer.Start(await pg.CreateDatabaseAsync(), workers);
        var warm = HangfirePeer.ExpectCompletions(1);
        peer.Client.Enqueue(() => HangfirePeer.Noop());
        await warm.WaitAsync(TimeSpan.FromMinutes(1));
        HangfirePeer.Started.Clear();
        var answered = new ConcurrentDictionary<long, long>();
        var count = (int)(rate * duration.TotalSeconds);
        var done = HangfirePeer.ExpectCompletions(count);
        await Paced(rate, count, i =>
        {
            long id = i;
            peer.Client.Enqueue(() => HangfirePeer.Stamp(id));
            answered[id] = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        });
        await HangfirePeer.WaitAsync(done, TimeSpan.FromSeconds(20));
        // a job Hangfire never started counts with the time waited so far (a lower bound)
        var now = Stopwatch.GetTimestamp();
        Report(results, $"hangfire-postgres-w{workers}", rate, answered.Select(kv => (HangfirePeer.Started.TryGetValue(kv.Key, out var s) ? s : now) - kv.Value));
    }

    /// <summary>Starts submission i at t0 + i/rate (never waits for earlier ones), then waits for all.</summary>
    internal static async Task Paced(int rate, int count, Func<int, Task> submit)
    {
        var tasks = new List<Task>(count);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            while (sw.Elapsed < due) await Task.Delay(1);
            var n = i;
            tasks.Add(Task.Run(() => submit(n)));
        }
        await Task.WhenAll(tasks);
    }

    private static void Report(Results results, string system, int rate, IEnumerable<long> ticks)
    {
        var ms = ticks.Select(t => Math.Max(0, t) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        double P(double q) => Percentiles.Of(ms, q);
        var scenario = $"{Name}@{rate}/s";
        results.Add(scenario, system, "p50_ms", P(0.50));
        results.Add(scenario, system, "p95_ms", P(0.95));
        results.Add(scenario, system, "p99_ms", P(0.99));
        results.Add(scenario, system, "max_ms", ms[^1]);
    }
}
