using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>The pure expiry rules of a partition (docs/architecture.md, "Retention").</summary>
public sealed class RetentionRulesTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RetentionPeriods Periods = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(20));
    private static readonly PartitionState Start = PartitionState.Empty with { Retention = Periods };

    [Fact]
    public void An_ended_job_expires_by_its_status_and_a_job_of_its_own_retention_by_that()
    {
        var s = Apply(Start,
            Accepted("done"), Started("done"), new JobCompleted("done", 1, null, T0),
            Accepted("gone"), new JobCancelled("gone", FailureKind.Cancelled, "by request", T0),
            Accepted("dead"), Started("dead"), new JobDeadLettered("dead", FailureKind.Permanent, "bad", T0),
            Accepted("own", retentionMs: 3_000), Started("own"), new JobCompleted("own", 1, null, T0));
        Assert.Equal(T0.AddSeconds(10), s.Expiring.At["done"]);
        Assert.Equal(T0.AddSeconds(20), s.Expiring.At["gone"]);
        Assert.Equal(T0.AddMinutes(10), s.Find("dead")!.ExpiresAt);
        Assert.Equal(T0.AddSeconds(3), s.Expiring.At["own"]);
        Assert.Equal(T0.AddSeconds(3), s.NextExpiry);
    }

    [Fact]
    public void Nothing_expires_a_tick_early_and_an_expired_key_makes_a_new_job()
    {
        var s = Apply(Start, Accepted("k-1", key: "k"), Started("k-1"), new JobCompleted("k-1", 1, null, T0));
        Assert.Null(RetentionRules.Expire(s, T0.AddSeconds(10).AddTicks(-1)));
        Assert.True(s.Knows("k-1"));
        Assert.IsType<JobRules.AlreadyExists>(JobRules.Submit(s, new SubmitJob(0, "k-1", Spec(key: "k")), T0));

        var sweep = RetentionRules.Expire(s, T0.AddSeconds(10))!;
        Assert.Equal(["k-1"], sweep.JobIds);
        s = s.Apply(sweep).State;
        Assert.False(s.Knows("k-1"));
        Assert.DoesNotContain("k-1", s.KeyedIds);
        Assert.DoesNotContain("k-1", s.RecentIds);
        Assert.Equal(0, s.Expiring.Count);
        Assert.Null(s.NextExpiry);
        Assert.IsType<JobRules.Persist>(JobRules.Submit(s, new SubmitJob(0, "k-1", Spec(key: "k")), T0.AddSeconds(11)));
    }

    [Fact]
    public void A_failed_job_stays_in_the_dlq_for_its_retention_and_a_requeue_clears_its_expiry()
    {
        var s = Apply(Start, Accepted("a"), Started("a"), new JobDeadLettered("a", FailureKind.Permanent, "bad", T0),
            Accepted("b"), Started("b"), new JobDeadLettered("b", FailureKind.Permanent, "bad", T0));
        Assert.Null(RetentionRules.Expire(s, T0.AddMinutes(9)));

        s = Apply(s, new JobRequeued("b", T0.AddMinutes(1)));
        Assert.Null(s.Find("b")!.ExpiresAt);
        Assert.False(s.Expiring.Contains("b"));

        s = s.Apply(RetentionRules.Expire(s, T0.AddMinutes(10))!).State;
        Assert.Null(s.Find("a"));
        Assert.False(s.Knows("a"));
        Assert.Equal(JobStatus.Pending, s.Find("b")!.Status); // requeued: live, never expired
    }

    [Fact]
    public void Ended_jobs_past_the_recent_ids_keep_only_a_window_of_expiry_times_swept_in_gaps()
    {
        // a job that ends once its id has left the recent ids is not tracked by id
        var s = Apply(Start, Accepted("old"), Started("old"));
        s = Apply(s, Enumerable.Range(0, PartitionState.RecentIdCapacity).Select(i => (IJobEvent)Accepted($"n{i}", runAt: T0.AddDays(1))).ToArray());
        Assert.DoesNotContain("old", s.RecentIdSet);
        s = Apply(s, new JobCompleted("old", 1, null, T0), new JobCancelled("n0", FailureKind.Cancelled, "x", T0.AddMinutes(5)));
        Assert.False(s.Expiring.Contains("old"));
        Assert.Equal((T0.AddSeconds(10), T0.AddSeconds(10)), (s.UntrackedFrom, s.UntrackedUntil));
        Assert.True(s.Expiring.Contains("n0")); // still among the recent ids

        // one more acceptance pushes n0 out of the recent ids: its expiry joins the window
        s = Apply(s, Accepted("late", runAt: T0.AddDays(1)));
        Assert.False(s.Expiring.Contains("n0"));
        Assert.Equal((T0.AddSeconds(10), T0.AddMinutes(5).AddSeconds(20)), (s.UntrackedFrom, s.UntrackedUntil));

        // the sweep at the first expiry leaves the rest of the window for at most SweepGap later
        s = s.Apply(RetentionRules.Expire(s, T0.AddSeconds(10))!).State;
        Assert.Equal(T0.AddSeconds(10) + RetentionRules.SweepGap, s.UntrackedFrom);
        s = s.Apply(RetentionRules.Expire(s, T0.AddMinutes(6))!).State;
        Assert.Null(s.UntrackedFrom);
        Assert.Null(s.UntrackedUntil);
        Assert.Null(s.NextExpiry);
    }

    [Fact]
    public void A_sweep_takes_at_most_its_cap_of_ids_and_the_rest_are_due_at_once()
    {
        var events = new List<IJobEvent>();
        for (var i = 0; i < RetentionRules.MaxIdsPerEvent + 5; i++)
            events.AddRange([Accepted($"j{i}"), Started($"j{i}"), new JobDeadLettered($"j{i}", FailureKind.Permanent, "bad", T0)]);
        var s = Apply(Start, events.ToArray());
        var first = RetentionRules.Expire(s, T0.AddMinutes(10))!;
        Assert.Equal(RetentionRules.MaxIdsPerEvent, first.JobIds.Count);
        s = s.Apply(first).State;
        Assert.Equal(5, RetentionRules.Expire(s, T0.AddMinutes(10))!.JobIds.Count);
    }

    [Fact]
    public void A_snapshot_keeps_the_expiries_and_one_of_before_retention_gets_them_from_the_settings()
    {
        var s = Apply(Start, Accepted("k-1", key: "k"), Started("k-1"), new JobCompleted("k-1", 1, null, T0),
            Accepted("f"), Started("f"), new JobDeadLettered("f", FailureKind.Permanent, "bad", T0));
        var back = PartitionState.FromSnapshot(s.ToSnapshot(), Periods);
        Assert.Equal(s.Expiring.Entries, back.Expiring.Entries);
        Assert.Equal(s.NextExpiry, back.NextExpiry);

        // written before retention: no expiries; the failed job's comes from its end, the key's from the snapshot's time
        var old = s.ToSnapshot() with { Expiring = [], Jobs = [s.Find("f")! with { ExpiresAt = null }] };
        var migrated = PartitionState.FromSnapshot(old, Periods, takenAt: T0.AddHours(1));
        Assert.Equal(T0.AddMinutes(10), migrated.Expiring.At["f"]);
        Assert.Equal(T0.AddHours(1).AddSeconds(10), migrated.Expiring.At["k-1"]);
    }

    [Fact]
    public void Duration_text_reads_whole_units_and_refuses_the_rest()
    {
        Assert.True(DurationText.TryParse("5s", out var d) && d == TimeSpan.FromSeconds(5));
        Assert.True(DurationText.TryParse("10m", out d) && d == TimeSpan.FromMinutes(10));
        Assert.True(DurationText.TryParse("24h", out d) && d == TimeSpan.FromHours(24));
        Assert.True(DurationText.TryParse("7d", out d) && d == TimeSpan.FromDays(7));
        foreach (var bad in new[] { "", "5", "s", "5 s", "-5s", "1.5h", "5w", "99999999999999999d", null })
            Assert.False(DurationText.TryParse(bad, out _), bad);
        Assert.Equal("90d", DurationText.Format(TimeSpan.FromDays(90)));
        Assert.Equal("90s", DurationText.Format(TimeSpan.FromSeconds(90)));
    }

    private static PartitionState Apply(PartitionState s, params IJobEvent[] events) =>
        events.Aggregate(s, (st, e) => st.Apply(e).State);

    private static JobSpec Spec(string? key = null, long? retentionMs = null, DateTimeOffset? runAt = null) =>
        new() { Type = "noop", IdempotencyKey = key, RetentionMs = retentionMs, RunAt = runAt };

    private static JobAccepted Accepted(string id, string? key = null, long? retentionMs = null, DateTimeOffset? runAt = null) =>
        new(id, Spec(key, retentionMs, runAt), null, T0);

    private static JobAttemptStarted Started(string id) => new(id, 1, "n", T0);
}
