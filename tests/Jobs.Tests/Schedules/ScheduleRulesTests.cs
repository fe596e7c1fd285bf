using Jobs.Actors.Schedules;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Schedules;

/// <summary>The pure rules of schedules: which ticks are due after a downtime, DST, the ids and jitter of tick jobs.</summary>
public sealed class ScheduleRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 30, TimeSpan.Zero);

    private static ScheduleEntry Entry(string cron, MisfirePolicy misfire = MisfirePolicy.Skip, int maxCatchUp = 10, string zone = "UTC",
        DateTimeOffset? after = null, int jitterMs = 0) => new()
        {
            Tenant = "acme",
            Id = "report",
            Spec = new ScheduleSpec
            {
                Cron = cron,
                TimeZone = zone,
                Job = new JobSpec { Type = "noop", Tenant = "acme" },
                Misfire = misfire,
                MaxCatchUp = maxCatchUp,
                JitterMs = jitterMs,
            },
            After = after ?? T0,
        };

    private static DateTimeOffset At(int hour, int minute, int second = 0) => new(2026, 1, 5, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void A_tick_on_time_fires_alone_and_nothing_fires_before_it()
    {
        var s = Entry("* * * * *");
        Assert.Null(ScheduleRules.Due(s, At(10, 0, 59)));
        var plan = ScheduleRules.Due(s, At(10, 1, 0).AddMilliseconds(3));
        Assert.Equal([At(10, 1)], plan!.Ticks);
        Assert.False(plan.Misfired);
        Assert.Equal(At(10, 1), ScheduleRules.NextRunAt(s));
    }

    [Fact]
    public void Skip_after_a_downtime_runs_only_the_latest_missed_tick()
    {
        var plan = ScheduleRules.Due(Entry("* * * * *"), At(10, 30, 10));
        Assert.Equal([At(10, 30)], plan!.Ticks);
        Assert.False(plan.Misfired);
    }

    [Fact]
    public void Once_after_a_downtime_runs_only_the_latest_missed_tick_flagged_as_misfired()
    {
        var plan = ScheduleRules.Due(Entry("* * * * *", MisfirePolicy.Once), At(10, 30, 10));
        Assert.Equal([At(10, 30)], plan!.Ticks);
        Assert.True(plan.Misfired);
        var (job, _) = ScheduleRules.JobFor(Entry("* * * * *", MisfirePolicy.Once), plan.Ticks[0], plan.Misfired);
        Assert.True(job.Misfired);
    }

    [Fact]
    public void All_after_a_downtime_runs_the_latest_ticks_up_to_max_catch_up_in_order()
    {
        var plan = ScheduleRules.Due(Entry("* * * * *", MisfirePolicy.All, maxCatchUp: 5), At(10, 30, 10));
        Assert.Equal([At(10, 26), At(10, 27), At(10, 28), At(10, 29), At(10, 30)], plan!.Ticks);
        var fewer = ScheduleRules.Due(Entry("* * * * *", MisfirePolicy.All, maxCatchUp: 5), At(10, 3, 10));
        Assert.Equal([At(10, 1), At(10, 2), At(10, 3)], fewer!.Ticks);
    }

    [Fact]
    public void A_month_of_downtime_of_an_every_second_schedule_is_never_a_storm()
    {
        var now = T0.AddDays(30);
        Assert.Single(ScheduleRules.Due(Entry("* * * * * *"), now)!.Ticks);
        Assert.Equal(100, ScheduleRules.Due(Entry("* * * * * *", MisfirePolicy.All, maxCatchUp: 100), now)!.Ticks.Count);
        Assert.Equal(100, ScheduleRules.Due(Entry("* * * * * *", MisfirePolicy.All, maxCatchUp: 5000), now)!.Ticks.Count);
        // the daily one: one tick per day of the month is missed, one fires
        Assert.Single(ScheduleRules.Due(Entry("0 3 * * *"), now)!.Ticks);
    }

    [Fact]
    public void A_fired_tick_is_never_due_again_and_a_paused_schedule_fires_nothing()
    {
        var state = ScheduleGroupState.Empty.Apply(new ScheduleDefined("acme", "report", Entry("* * * * *").Spec, T0));
        var s = state.Find("acme", "report")!;
        var now = At(10, 5, 1);
        var plan = ScheduleRules.Due(s, now)!;
        var (_, jobId) = ScheduleRules.JobFor(s, plan.Ticks[^1], plan.Misfired);
        state = state.Apply(new ScheduleTicked("acme", "report", plan.Ticks, jobId, now));
        s = state.Find("acme", "report")!;
        Assert.Null(ScheduleRules.Due(s, now));
        Assert.Equal(At(10, 5), s.LastRunAt);
        Assert.Equal(jobId, s.LastJobId);
        Assert.Equal(At(10, 6), ScheduleRules.NextRunAt(s));

        state = state.Apply(new SchedulePaused("acme", "report", now));
        Assert.Null(ScheduleRules.Due(state.Find("acme", "report")!, At(11, 0)));
        // resumed at 11:00: the ticks of the pause are not caught up
        state = state.Apply(new ScheduleResumed("acme", "report", At(11, 0)));
        Assert.Equal([At(11, 1)], ScheduleRules.Due(state.Find("acme", "report")!, At(11, 1, 1))!.Ticks);
    }

    [Fact]
    public void Daily_0230_in_Berlin_fires_once_on_the_spring_forward_day_and_once_on_the_fall_back_day()
    {
        var berlin = ScheduleRules.FindZone("Europe/Berlin")!;
        foreach (var (from, day) in new[]
                 {
                     (new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero), new DateOnly(2026, 3, 29)),
                     (new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.Zero), new DateOnly(2026, 10, 25)),
                 })
        {
            // virtual time: jump from tick to tick, firing each as the group would
            var state = ScheduleGroupState.Empty.Apply(new ScheduleDefined("acme", "nightly", Entry("30 2 * * *", zone: "Europe/Berlin").Spec, from));
            var fired = new List<DateTimeOffset>();
            while (ScheduleRules.NextRunAt(state.Find("acme", "nightly")!) is { } next && next < from.AddDays(5))
            {
                var plan = ScheduleRules.Due(state.Find("acme", "nightly")!, next.AddMilliseconds(5))!;
                fired.AddRange(plan.Ticks);
                state = state.Apply(new ScheduleTicked("acme", "nightly", plan.Ticks, "j", next));
            }
            var perDay = fired.GroupBy(t => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, berlin).DateTime)).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(5, fired.Count);
            Assert.All(perDay.Values, n => Assert.Equal(1, n));
            Assert.Equal(1, perDay[day]);
            Assert.Equal(fired.Count, fired.Distinct().Count());
        }
    }

    [Fact]
    public void A_ticks_job_id_comes_from_tenant_schedule_and_fire_time_and_its_jitter_is_fixed_per_tick()
    {
        var s = Entry("* * * * *", jitterMs: 30_000);
        var (job, id) = ScheduleRules.JobFor(s, At(10, 1), misfired: false);
        Assert.Equal(id, ScheduleRules.JobFor(s, At(10, 1), misfired: false).JobId);
        Assert.NotEqual(id, ScheduleRules.JobFor(s, At(10, 2), misfired: false).JobId);
        Assert.NotEqual(id, ScheduleRules.JobFor(s with { Tenant = "globex" }, At(10, 1), misfired: false).JobId);
        Assert.Equal(JobIds.ForScheduleTick("acme", "report", At(10, 1)), id);
        Assert.Equal("report", job.ScheduleId);
        Assert.Equal(At(10, 1), job.ScheduledFor);
        Assert.Null(job.Misfired);
        Assert.Equal(job.RunAt, ScheduleRules.JobFor(s, At(10, 1), misfired: false).Spec.RunAt);
        var jitters = Enumerable.Range(0, 60).Select(m => ScheduleRules.Jitter(s, At(10, 0).AddMinutes(m))).ToArray();
        Assert.All(jitters, j => Assert.InRange(j, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        Assert.True(jitters.Distinct().Count() > 10, "jitter does not spread the ticks");
        Assert.Null(ScheduleRules.JobFor(Entry("* * * * *"), At(10, 1), misfired: false).Spec.RunAt);
    }

    [Fact]
    public void The_same_definition_changes_nothing_a_different_one_replaces_and_the_cap_holds()
    {
        var spec = Entry("* * * * *").Spec;
        var state = ScheduleGroupState.Empty.Apply(new ScheduleDefined("acme", "report", spec, T0));
        var same = spec with { Job = spec.Job with { DependsOn = new List<string>() } };
        Assert.Equal((null, null), state.DecidePut(new PutSchedule("acme", "report", same, 10), T0.AddMinutes(1)));
        var (replaced, _) = state.DecidePut(new PutSchedule("acme", "report", spec with { Cron = "*/5 * * * *" }, 10), T0.AddMinutes(1));
        Assert.NotNull(replaced);
        var (_, refusal) = state.DecidePut(new PutSchedule("acme", "other", spec, 1), T0);
        Assert.Contains("delete one first", refusal);
        Assert.Null(state.DecidePut(new PutSchedule("globex", "other", spec, 1), T0).Refusal);
    }

    [Fact]
    public void Cron_takes_five_fields_or_six_with_seconds_first()
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 10, 0, 32, TimeSpan.Zero), ScheduleRules.Next(Entry("*/2 * * * * *").Spec, T0));
        Assert.Throws<Cronos.CronFormatException>(() => ScheduleRules.ParseCron("* * * *"));
        Assert.Throws<Cronos.CronFormatException>(() => ScheduleRules.ParseCron("61 * * * *"));
        Assert.Null(ScheduleRules.FindZone("Mars/Olympus"));
    }
}
