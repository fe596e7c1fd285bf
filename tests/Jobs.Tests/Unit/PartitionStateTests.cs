using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
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
        Assert.Contains(events, e => e is JobRetryScheduled { JobId: "a", NextAttempt: 2 } r && r.RunAt == T0); // no backoff after a crash
        Assert.Contains(events, e => e is JobAttemptFailed { JobId: "a", Kind: FailureKind.Transient });
        Assert.Contains(events, e => e is JobDeadLettered { JobId: "b" });
    }

    [Fact]
    public void A_job_with_dependencies_waits_until_every_one_is_met_then_becomes_pending()
    {
        var s = Apply(PartitionState.Empty, Accepted("c", 0, deps: ["a", "b"]));
        Assert.Equal(JobStatus.Scheduled, s.Find("c")!.Status);
        Assert.Null(s.Head);
        Assert.Null(s.NextDue);
        Assert.Equal(["c"], s.Waiting.Select(j => j.Id));

        s = Apply(s, new JobDependencyMet("c", "a", T0), new JobDependencyMet("c", "a", T0));
        Assert.Equal(["b"], s.Find("c")!.WaitingFor);
        Assert.Null(s.Head);

        s = Apply(s, new JobDependencyMet("c", "b", T0));
        Assert.Equal(JobStatus.Pending, s.Find("c")!.Status);
        Assert.Equal("c", s.Head!.Id);
        Assert.Empty(s.Waiting);
        // the waiting set survives a snapshot
        var waiting = Apply(PartitionState.Empty, Accepted("d", 0, deps: ["x"]));
        Assert.Equal(["x"], PartitionState.FromSnapshot(waiting.ToSnapshot()).Find("d")!.WaitingFor);
    }

    [Fact]
    public void A_dependent_with_a_future_run_at_is_scheduled_for_it_once_its_dependencies_are_met()
    {
        var s = Apply(PartitionState.Empty, Accepted("c", 0, runAt: T0.AddHours(1), deps: ["a"]), new JobDependencyMet("c", "a", T0));
        Assert.Equal(JobStatus.Scheduled, s.Find("c")!.Status);
        Assert.Equal(T0.AddHours(1), s.NextDue);
    }

    [Fact]
    public void A_handed_off_attempt_goes_back_to_pending_and_does_not_count()
    {
        var s = Apply(PartitionState.Empty, Accepted("a", 0, maxAttempts: 1), new JobAttemptStarted("a", 1, "n1", T0),
            new JobAttemptHandedOff("a", 1, "n1", T0));
        var job = s.Find("a")!;
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.Equal(0, job.Attempts);
        Assert.Equal("a", s.Head!.Id);
        Assert.Equal(1, JobRules.StartNext(s, "n2", T0)!.Attempt);
        Assert.Equal(HistoryEvents.HandedOff, job.History[^1].Event);
        // a stale hand-off (the attempt already ended) changes nothing
        var done = Apply(PartitionState.Empty, Accepted("b", 0), new JobAttemptStarted("b", 1, "n1", T0), new JobCompleted("b", 1, null, T0));
        Assert.Same(done, done.Apply(new JobAttemptHandedOff("b", 1, "n1", T0)).State);
    }

    private static PartitionState Apply(PartitionState s, params IJobEvent[] events) =>
        events.Aggregate(s, (st, e) => st.Apply(e).State);

    /// <summary>
    /// ApplyAll (runs of acceptances through builders) gives exactly what Apply one event at a time
    /// gives: the state (jobs, queues, keys, the recent-id window past its capacity, the order
    /// counter) and each event's job before and after it — for random histories with repeated ids,
    /// idempotency keys, future run times, dependencies and starts, completions and cancellations
    /// between the runs.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ApplyAll_equals_applying_one_event_at_a_time(int seed)
    {
        var random = new Random(seed);
        var ids = new List<string>();
        var events = new List<IJobEvent>();
        var start = PartitionState.Empty;
        for (var round = 0; round < 60; round++)
        {
            var run = random.Next(1, 200);
            for (var i = 0; i < run; i++)
            {
                // mostly new ids; some repeat an earlier one (in this run or before)
                var id = ids.Count > 0 && random.Next(10) == 0 ? ids[random.Next(ids.Count)] : $"j{ids.Count}";
                ids.Add(id);
                events.Add(random.Next(6) switch
                {
                    0 => Accepted(id, random.Next(-2, 3), T0.AddMinutes(random.Next(1, 60))),
                    1 => Accepted(id, 0, key: $"key-{id}"),
                    2 => Accepted(id, 1, deps: [$"dep-{random.Next(5)}", $"dep-{random.Next(5)}"]),
                    _ => Accepted(id, random.Next(-2, 3)),
                });
            }
            for (var i = random.Next(0, 4); i > 0; i--)
            {
                var id = ids[random.Next(ids.Count)];
                events.Add(random.Next(3) switch
                {
                    0 => new JobAttemptStarted(id, 1, "n", T0),
                    1 => new JobCompleted(id, 1, null, T0),
                    _ => new JobCancelled(id, FailureKind.Cancelled, "x", T0),
                });
            }
            if (round == 20) start = Fold(PartitionState.Empty, events, []); // later runs start from a non-empty state too
        }
        Assert.True(ids.Distinct().Count() > PartitionState.RecentIdCapacity); // the window drops its oldest ids

        foreach (var (from, batch) in new[] { (PartitionState.Empty, events), (start, events.Skip(events.Count / 2).ToList()) })
        {
            var oneByOne = new List<(JobRecord? Before, JobRecord? After)>();
            var expected = Fold(from, batch, oneByOne);
            var (actual, changes) = from.ApplyAll(batch);
            Assert.Equal(Describe(expected), Describe(actual));
            Assert.Equal(oneByOne.Select(c => (Json(c.Before), Json(c.After))), changes.Select(c => (Json(c.Before), Json(c.After))));
        }
    }

    private static PartitionState Fold(PartitionState s, IEnumerable<IJobEvent> events, List<(JobRecord?, JobRecord?)> changes)
    {
        foreach (var e in events)
        {
            var before = s.Find(e.JobId);
            (s, var after) = s.Apply(e);
            changes.Add((before, after));
        }
        return s;
    }

    private static string Json(object? o) => o is null ? "null" : System.Text.Json.JsonSerializer.Serialize(o, Jobs.Messages.Serialization.JobsSerializer.Options);

    private static string Describe(PartitionState s) => string.Join("\n",
        string.Join(",", s.Jobs.Values.OrderBy(j => j.Id, StringComparer.Ordinal).Select(Json)),
        string.Join(",", s.Pending.Select(k => k.ToString())),
        string.Join(",", s.Scheduled.Select(k => k.ToString())),
        string.Join(",", s.KeyedIds.Order(StringComparer.Ordinal)),
        string.Join(",", s.RecentIds),
        string.Join(",", s.RecentIdSet.Order(StringComparer.Ordinal)),
        s.NextOrder);

    private static JobAccepted Accepted(string id, int priority, DateTimeOffset? runAt = null, string? key = null, int maxAttempts = 3, string[]? deps = null) =>
        new(id, new JobSpec { Type = "noop", Priority = priority, RunAt = runAt, IdempotencyKey = key, MaxAttempts = maxAttempts, DependsOn = deps ?? [] }, null, T0);
}
