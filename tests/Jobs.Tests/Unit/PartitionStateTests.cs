using Jobs.Actors.Supervision;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class PartitionStateTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Head_is_highest_priority_then_first_accepted()
    {
        var s = Apply(PartitionState.Empty,
            Accepted("a", 0), Accepted("b", 5), Accepted("c", 5), Accepted("d", -1));
        Assert.Equal("b", s.Head!.Id);
        s = Apply(s, new JobAttemptStarted("b", 1, "n", T0));
        Assert.Equal("c", s.Head!.Id);
        s = Apply(s, new JobAttemptStarted("c", 1, "n", T0));
        Assert.Equal("a", s.Head!.Id);
    }

    [Fact]
    public void Future_run_at_is_scheduled_until_promoted()
    {
        var s = Apply(PartitionState.Empty, Accepted("a", 0, T0.AddMinutes(1)));
        Assert.Null(s.Head);
        Assert.Equal(T0.AddMinutes(1), s.NextDue);
        Assert.Same(s, s.PromoteDue(T0.AddSeconds(59)));
        var due = s.PromoteDue(T0.AddMinutes(1));
        Assert.Equal("a", due.Head!.Id);
        Assert.Equal(JobStatus.Pending, due.Find("a")!.Status);
    }

    [Fact]
    public void Completed_and_cancelled_jobs_leave_memory_failed_ones_stay_for_the_dlq()
    {
        var s = Apply(PartitionState.Empty, Accepted("a", 0), Accepted("b", 0), Accepted("c", 0),
            new JobAttemptStarted("a", 1, "n", T0), new JobCompleted("a", 1, "42", T0),
            new JobCancelled("b", FailureKind.Cancelled, "x", T0),
            new JobAttemptStarted("c", 1, "n", T0), new JobAttemptFailed("c", 1, FailureKind.Permanent, "bad", T0),
            new JobDeadLettered("c", FailureKind.Permanent, "bad", T0));
        Assert.Null(s.Find("a"));
        Assert.Null(s.Find("b"));
        Assert.Equal(JobStatus.Failed, s.Find("c")!.Status);
        Assert.Empty(s.Pending);
    }

    [Fact]
    public void Snapshot_round_trip_keeps_queues_and_keys()
    {
        var s = Apply(PartitionState.Empty, Accepted("a", 1), Accepted("b", 0, T0.AddHours(1)), Accepted("k-1", 0, key: "x"));
        var back = PartitionState.FromSnapshot(s.ToSnapshot());
        Assert.Equal(s.Pending, back.Pending);
        Assert.Equal(s.Scheduled, back.Scheduled);
        Assert.True(back.Knows("k-1"));
        Assert.Equal(s.NextOrder, back.NextOrder);
    }

    [Fact]
    public void Interrupted_attempts_are_failed_and_retried_or_dead_lettered()
    {
        var s = Apply(PartitionState.Empty, Accepted("a", 0), Accepted("b", 0, maxAttempts: 1),
            new JobAttemptStarted("a", 1, "n", T0), new JobAttemptStarted("b", 1, "n", T0));
        var events = JobRules.Interrupted(s, T0, () => 0.5);
        Assert.Contains(events, e => e is JobRetryScheduled { JobId: "a", NextAttempt: 2 });
        Assert.Contains(events, e => e is JobDeadLettered { JobId: "b" });
    }

    private static PartitionState Apply(PartitionState s, params IJobEvent[] events) =>
        events.Aggregate(s, (st, e) => st.Apply(e).State);

    private static JobAccepted Accepted(string id, int priority, DateTimeOffset? runAt = null, string? key = null, int maxAttempts = 3) =>
        new(id, new JobSpec { Type = "noop", Priority = priority, RunAt = runAt, IdempotencyKey = key, MaxAttempts = maxAttempts }, null, T0);
}
