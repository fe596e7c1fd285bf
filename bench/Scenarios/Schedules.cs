using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// The scheduler's overhead: N schedules (default 10,000, over tenants of 1,000 — the per-tenant
/// cap) all firing at second 0 of every minute on one PostgreSQL node, for M minutes. Reports the
/// ticks per second sustained through each minute's herd (ticks ÷ the time from the minute to the
/// last tick's job accepted) and the lateness of each tick: its job's acceptance − its fire time
/// (p50, p99, max). Every tick's job is counted: one per schedule per minute, none twice.
/// </summary>
public static class Schedules
{
    public const string Name = "schedules";

    private const int PerTenant = 1000;

    public static async Task Measure(Results results, PostgresServer pg, int schedules, int minutes)
    {
        await using var cluster = await TestCluster.StartAsync(pg, null, 1, _ => BenchNodes.Env());
        var node = cluster.Nodes[0];
        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, schedules), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var body = JsonSerializer.Serialize(new { id = $"s{i}", cron = "0 * * * * *", job = new { type = "noop", tenant = $"t{i / PerTenant}" } });
            var (status, answer, _) = await node.CallAsync(HttpMethod.Post, "/api/schedules", null, body);
            if ((int)status >= 300) throw new InvalidOperationException($"schedule s{i}: {status} {answer}");
        });
        Console.WriteLine($"{Name}: {schedules:N0} schedules created in {created.Elapsed.TotalSeconds:0.0} s");

        // the first whole minute after creation, then `minutes` more
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var last = first.AddMinutes(minutes - 1);
        var expected = schedules * minutes;
        var jobs = await Eventually.Until(() => Ticks(node, first, last, schedules), j => j.Count >= expected,
            last - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3), $"{expected} ticks' jobs accepted", TimeSpan.FromSeconds(5));

        var duplicates = jobs.Count - jobs.Select(j => (j.Schedule, j.Tenant, j.FireTime)).Distinct().Count();
        var lateness = jobs.Select(j => (j.Accepted - j.FireTime).TotalMilliseconds).Order().ToArray();
        var perMinute = jobs.GroupBy(j => j.FireTime).Select(g => g.Count() / Math.Max(0.001, (g.Max(j => j.Accepted) - g.Key).TotalSeconds)).ToArray();
        results.Add(Name, "jobs-postgres-1node", "ticks_per_s", perMinute.Min());
        results.Add(Name, "jobs-postgres-1node", "tick_lateness_ms_p50", Percentiles.Of(lateness, 0.5));
        results.Add(Name, "jobs-postgres-1node", "tick_lateness_ms_p99", Percentiles.Of(lateness, 0.99));
        results.Add(Name, "jobs-postgres-1node", "tick_lateness_ms_max", lateness[^1]);
        results.Add(Name, "jobs-postgres-1node", "ticks_twice", duplicates);
        Console.WriteLine($"{Name}: {jobs.Count:N0} ticks over {minutes} minute(s): {perMinute.Min():N0} ticks/s through the slowest herd, " +
                          $"lateness p50 {Percentiles.Of(lateness, 0.5):0} ms p99 {Percentiles.Of(lateness, 0.99):0} ms max {lateness[^1]:0} ms, {duplicates} twice");
    }

    private sealed record Tick(string Schedule, string Tenant, DateTimeOffset FireTime, DateTimeOffset Accepted);

    /// <summary>Every job a tick between <paramref name="first"/> and <paramref name="last"/> created, read from the list (every tenant: the node's admin).</summary>
    private static async Task<List<Tick>> Ticks(NodeProcess node, DateTimeOffset first, DateTimeOffset last, int schedules)
    {
        var ticks = new List<Tick>();
        for (var t = 0; t * PerTenant < schedules; t++)
        {
            string? cursor = null;
            do
            {
                var page = await node.Http.GetFromJsonAsync<JsonElement>($"/api/jobs?tenant=t{t}&limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
                foreach (var j in page.GetProperty("items").EnumerateArray())
                {
                    if (j.GetProperty("scheduledFor").ValueKind != JsonValueKind.String) continue;
                    var fire = j.GetProperty("scheduledFor").GetDateTimeOffset();
                    if (fire < first || fire > last) continue;
                    ticks.Add(new Tick(j.GetProperty("scheduleId").GetString()!, $"t{t}", fire, j.GetProperty("createdAt").GetDateTimeOffset()));
                }
                cursor = page.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            } while (cursor is not null);
        }
        return ticks;
    }
}
