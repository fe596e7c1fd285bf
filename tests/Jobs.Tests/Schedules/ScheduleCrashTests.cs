using System.Net;
using System.Text.Json;
using Jobs.Tests.Node;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Schedules;

/// <summary>Schedules across a kill -9 of their node and a restart: no tick runs twice, missed ticks follow the misfire policy, firing goes on.</summary>
[Collection(NodeCollection.Name)]
public sealed class ScheduleCrashTests(ITestOutputHelper output)
{
    /// <summary>How long the node stays dead: fifteen ticks of a 2-second cron are missed.</summary>
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_kill_9_and_a_restart_no_tick_ran_twice_misfires_are_bounded_and_the_schedules_go_on()
    {
        var dataDir = TestPaths.NewTempDir("sched-crash");
        var schedules = new Dictionary<string, string>
        {
            ["skip"] = "",
            ["once"] = ""","misfire":"once" """,
            ["all5"] = ""","misfire":"all","maxCatchUp":5""",
        };
        DateTimeOffset killedAt;
        await using (var node = await NodeProcess.StartAsync(dataDir, output))
        {
            foreach (var (id, extra) in schedules)
            {
                var (status, body, _) = await node.CallAsync(HttpMethod.Post, "/api/schedules", null,
                    $$$"""{"id":"{{{id}}}","cron":"*/2 * * * * *","job":{"type":"noop"}{{{extra}}}}""");
                Assert.True(status == HttpStatusCode.Created, $"{id}: {status} {body}");
            }
            foreach (var id in schedules.Keys)
                await Eventually.Until(() => Jobs(node, id), j => j.Count >= 2, TimeSpan.FromSeconds(60), $"two ticks of {id} before the kill");
            killedAt = DateTimeOffset.UtcNow;
            node.Kill();
        }
        await Task.Delay(Downtime); // the outage itself, not a wait for a condition
        var restartedAt = DateTimeOffset.UtcNow;

        await using var restarted = await NodeProcess.StartAsync(dataDir, output);
        foreach (var id in schedules.Keys)
            await Eventually.Until(() => Jobs(restarted, id), j => j.Count(job => ScheduledFor(job) > restartedAt.AddSeconds(2)) >= 3,
                TimeSpan.FromSeconds(90), $"three ticks of {id} after the restart");

        foreach (var id in schedules.Keys)
        {
            var jobs = await Eventually.Until(() => Jobs(restarted, id), j => j.All(job => job.GetProperty("status").GetString() == "completed"),
                TimeSpan.FromSeconds(60), $"every job of {id} completed");
            var fireTimes = jobs.Select(ScheduledFor).OrderBy(t => t).ToArray();
            output.WriteLine($"{id}: {string.Join(", ", fireTimes.Select(t => t.ToString("HH:mm:ss")))} (killed {killedAt:HH:mm:ss.fff}, restarted {restartedAt:HH:mm:ss.fff})");
            // each tick once: one job per fire time, under the id the tick names, run by one attempt
            Assert.Equal(fireTimes.Length, fireTimes.Distinct().Count());
            Assert.All(jobs, j => Assert.Equal(global::Jobs.Messages.JobIds.ForScheduleTick("default", id, ScheduledFor(j)), j.GetProperty("id").GetString()));
            Assert.All(jobs, j => Assert.Equal(1, j.GetProperty("attempts").GetInt32()));
        }

        // The recovered group fires every schedule's missed ticks in one pass at the same moment: the latest missed tick
        // is the one "once" flagged. Up to it, the outage's ticks ran as each policy says: skip 1, once 1, all (maxCatchUp 5) 5.
        var misfired = Assert.Single(await Jobs(restarted, "once"), j => j.GetProperty("misfired").ValueKind == JsonValueKind.True);
        var latestMissed = ScheduledFor(misfired);
        Assert.True(latestMissed - killedAt >= Downtime, $"the flagged tick {latestMissed:O} is not one of the outage (killed {killedAt:O})");
        foreach (var (id, expected) in new[] { ("skip", 1), ("once", 1), ("all5", 5) })
        {
            var outage = (await Jobs(restarted, id)).Select(ScheduledFor).Count(t => t > killedAt && t <= latestMissed);
            Assert.True(outage == expected, $"{id} ran {outage} ticks of the outage; its policy runs {expected}");
        }
    }

    private static DateTimeOffset ScheduledFor(JsonElement job) => job.GetProperty("scheduledFor").GetDateTimeOffset();

    private static Task<List<JsonElement>> Jobs(NodeProcess node, string scheduleId) => ScheduleApiTests.ScheduledJobs(node, null, scheduleId);
}
