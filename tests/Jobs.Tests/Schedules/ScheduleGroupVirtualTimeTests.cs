using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using Jobs.Actors.Schedules;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Schedules;

/// <summary>A schedule group on the real SQLite journal under the TestKit's virtual clock: its timer, DST, retries and recovery.</summary>
public sealed class ScheduleGroupVirtualTimeTests(ITestOutputHelper output) : PartitionTestKit(output, virtualTime: true)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    /// <summary>Every job a group submitted, in order (a stand-in for the partitions that acknowledges at once unless told to fail).</summary>
    private readonly ConcurrentQueue<(string JobId, JobSpec Spec)> _submitted = new();
    private int _failNext;

    private Task Submit(IReadOnlyList<(JobSpec Spec, string JobId)> jobs, CancellationToken ct)
    {
        foreach (var (spec, id) in jobs) _submitted.Enqueue((id, spec));
        return Interlocked.Exchange(ref _failNext, 0) == 1 ? Task.FromException(new TimeoutException("no acknowledgement")) : Task.CompletedTask;
    }

    private IActorRef StartGroup() => Sys.ActorOf(ScheduleGroup.Props(0, Submit, "test-node"));

    private ScheduleView View(IActorRef group, string id)
    {
        group.Tell(new GetSchedule("acme", id));
        return ExpectMsg<ScheduleFound>(Wait).View;
    }

    private void Put(IActorRef group, string id, string cron, string zone = "UTC")
    {
        group.Tell(new PutSchedule("acme", id, new ScheduleSpec { Cron = cron, TimeZone = zone, Job = new JobSpec { Type = "noop", Tenant = "acme" } }, 10));
        Assert.True(ExpectMsg<ScheduleSaved>(Wait).Created);
    }

    /// <summary>Moves the clock just past the schedule's next tick and waits until the group has journaled it.</summary>
    private DateTimeOffset FireNext(IActorRef group, string id)
    {
        var next = View(group, id).NextRunAt!.Value;
        Clock.Advance(next - Clock.Now + TimeSpan.FromMilliseconds(1));
        AwaitAssert(() => Assert.Equal(next, View(group, id).LastRunAt), Wait);
        return next;
    }

    [Fact]
    public void A_daily_0230_in_Berlin_fires_once_a_day_across_spring_forward_and_fall_back()
    {
        var berlin = ScheduleRules.FindZone("Europe/Berlin")!;
        var group = StartGroup();
        foreach (var dstDay in new[] { new DateTime(2027, 3, 28), new DateTime(2027, 10, 31) })
        {
            // two days before the change, then tick by tick
            var start = new DateTimeOffset(dstDay.AddDays(-2), TimeSpan.Zero);
            Clock.Advance(start - Clock.Now);
            var id = "nightly-" + dstDay.Month;
            Put(group, id, "30 2 * * *", "Europe/Berlin");
            var fired = Enumerable.Range(0, 5).Select(_ => FireNext(group, id)).ToArray();

            var jobs = _submitted.Where(j => j.Spec.ScheduleId == id).ToArray();
            Assert.Equal(fired, jobs.Select(j => j.Spec.ScheduledFor!.Value));
            var days = fired.Select(t => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, berlin).DateTime)).ToArray();
            Assert.Equal(Enumerable.Range(0, 5).Select(d => DateOnly.FromDateTime(dstDay.AddDays(d - 2))), days);
            Assert.Equal(jobs.Length, jobs.Select(j => j.JobId).Distinct().Count());
            Output?.WriteLine(string.Join(", ", fired.Select(t => TimeZoneInfo.ConvertTime(t, berlin).ToString("yyyy-MM-dd HH:mm zzz"))));
        }
    }

    [Fact]
    public void A_tick_not_acknowledged_is_fired_again_under_the_same_job_id_and_a_recovered_group_does_not_fire_it_again()
    {
        var group = StartGroup();
        Put(group, "every-minute", "* * * * *");
        var first = View(group, "every-minute").NextRunAt!.Value;

        Interlocked.Exchange(ref _failNext, 1);
        // the group logs the failure while it arms the retry; the view asked after it is answered once the retry is armed
        EventFilter.Warning(contains: "firing it again").ExpectOne(Wait, () => Clock.Advance(first - Clock.Now));
        Assert.Single(_submitted);
        Assert.Null(View(group, "every-minute").LastRunAt); // not journaled without an acknowledgement

        Clock.Advance(ScheduleGroup.RetryDelay);
        AwaitAssert(() => Assert.Equal(first, View(group, "every-minute").LastRunAt), Wait);
        var ids = _submitted.Select(j => j.JobId).ToArray();
        Assert.Equal(2, ids.Length);
        Assert.Equal(ids[0], ids[1]); // the partition recognises the second as the first
        Assert.Equal(ids[0], View(group, "every-minute").LastJobId);

        // the group stops (its node died) and recovers from the journal: the fired tick is not fired again
        Watch(group);
        Sys.Stop(group);
        ExpectTerminated(group, Wait);
        var recovered = StartGroup();
        Assert.Equal(first, View(recovered, "every-minute").LastRunAt);
        Assert.Equal(first.AddMinutes(1), View(recovered, "every-minute").NextRunAt);
        var second = FireNext(recovered, "every-minute");
        Assert.Equal(first.AddMinutes(1), second);
        Assert.Equal([first, first, second], _submitted.Select(j => j.Spec.ScheduledFor!.Value));
    }
}
