using System.Net;
using System.Text.Json;
using Jobs.Tests.Node;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Schedules;

/// <summary>Three real nodes on one PostgreSQL: the node that fires a schedule is killed, a survivor goes on firing it.</summary>
[Collection(NodeCollection.Name)]
public sealed class ScheduleClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_schedule_whose_node_dies_keeps_firing_from_a_survivor_and_no_tick_runs_twice()
    {
        _cluster = await TestCluster.StartAsync(postgres, output);
        var (status, view, _) = await _cluster.Nodes[0].CallAsync(HttpMethod.Post, "/api/schedules", null,
            """{"id":"heartbeat","cron":"*/2 * * * * *","job":{"type":"noop"}}""");
        Assert.True(status == HttpStatusCode.Created, $"{status} {view}");
        var firing = view.GetProperty("node").GetString()!;
        var victim = Enumerable.Range(0, 3).Single(i => _cluster.NameOf(i) == firing);
        var survivor = _cluster.Nodes[(victim + 1) % 3];
        await Eventually.Until(() => ScheduleApiTests.ScheduledJobs(survivor, null, "heartbeat"), j => j.Count >= 2, TimeSpan.FromSeconds(60),
            "two ticks before the kill");

        var killedAt = DateTimeOffset.UtcNow;
        _cluster.Nodes[victim].Kill();
        output.WriteLine($"killed {firing}, which fired the schedule, at {killedAt:O}");

        var jobs = await Eventually.Until(() => ScheduleApiTests.ScheduledJobs(survivor, null, "heartbeat"),
            j => j.Count(job => ScheduledFor(job) > killedAt) >= 3 && j.All(job => job.GetProperty("status").GetString() == "completed"),
            TimeSpan.FromSeconds(120), "three ticks fired by a survivor after the kill, every job completed");
        var after = (await survivor.CallAsync(HttpMethod.Get, "/api/schedules/heartbeat", null)).Body;
        Assert.NotEqual(firing, after.GetProperty("node").GetString());

        var fireTimes = jobs.Select(ScheduledFor).OrderBy(t => t).ToArray();
        output.WriteLine(string.Join(", ", fireTimes.Select(t => t.ToString("HH:mm:ss"))));
        Assert.Equal(fireTimes.Length, fireTimes.Distinct().Count());
        Assert.All(jobs, j => Assert.Equal(global::Jobs.Messages.JobIds.ForScheduleTick("default", "heartbeat", ScheduledFor(j)), j.GetProperty("id").GetString()));
        // a job the dead node was running may run again (at-least-once for running jobs); a tick never makes a second job
        Assert.All(jobs.Where(j => ScheduledFor(j) > killedAt), j => Assert.Equal(1, TestCluster.Starts(j)));
    }

    private static DateTimeOffset ScheduledFor(JsonElement job) => job.GetProperty("scheduledFor").GetDateTimeOffset();
}
