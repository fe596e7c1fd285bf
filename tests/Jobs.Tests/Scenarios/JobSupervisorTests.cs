using Akka.Actor;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

public sealed class JobSupervisorTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public void Noop_job_completes_and_its_history_tells_the_story()
    {
        var partition = StartPartition(StartCapacity(2));
        var submitted = Submit(partition, Spec("noop"));

        Assert.True(submitted.Created);
        ExpectJobEvent(submitted.JobId, HistoryEvents.Completed);
        var view = Get(partition, submitted.JobId);
        Assert.Equal(JobStatus.Completed, view.Status);
        Assert.Equal(1, view.Attempts);
        Assert.Equal([HistoryEvents.Accepted, HistoryEvents.Started, HistoryEvents.Completed], view.History.Select(h => h.Event));
    }

    [Fact]
    public void Transient_failures_are_retried_until_an_attempt_succeeds()
    {
        var partition = StartPartition(StartCapacity(2));
        var id = Submit(partition, Spec("flaky", """{"succeedOn":3}""", maxAttempts: 5)).JobId;

        ExpectJobEvent(id, HistoryEvents.Completed);
        var view = Get(partition, id);
        Assert.Equal(3, view.Attempts);
        Assert.Equal("""{"attempt":3}""", view.Result);
        Assert.Equal(2, view.History.Count(h => h.Event == HistoryEvents.RetryScheduled));
        Assert.Equal(3, Control.Runs[id]);
    }

    [Fact]
    public void Exhausted_retries_dead_letter_the_job()
    {
        var partition = StartPartition(StartCapacity(2));
        var id = Submit(partition, Spec("flaky", """{"succeedOn":99}""", maxAttempts: 3)).JobId;

        ExpectJobEvent(id, HistoryEvents.Failed);
        var view = Get(partition, id);
        Assert.Equal(JobStatus.Failed, view.Status);
        Assert.Equal(3, view.Attempts);
        Assert.Equal(FailureKind.Transient, view.Error!.Kind);
        Assert.Contains("gave up after 3 of 3 attempts", view.Error.Message);
        Assert.Equal(3, Control.Runs[id]);
    }

    [Fact]
    public void Permanent_failure_goes_to_the_dlq_without_retrying()
    {
        var partition = StartPartition(StartCapacity(2));
        var id = Submit(partition, Spec("permanent", maxAttempts: 5)).JobId;

        ExpectJobEvent(id, HistoryEvents.Failed);
        var view = Get(partition, id);
        Assert.Equal(1, view.Attempts);
        Assert.Equal(FailureKind.Permanent, view.Error!.Kind);
        Assert.DoesNotContain(view.History, h => h.Event == HistoryEvents.RetryScheduled);
    }

    [Fact]
    public void Requeue_from_the_dlq_runs_the_job_again_with_attempts_reset()
    {
        var partition = StartPartition(StartCapacity(2));
        var id = Submit(partition, Spec("fail-first-run", maxAttempts: 3)).JobId;
        ExpectJobEvent(id, HistoryEvents.Failed);

        partition.Tell(new RequeueJob(0, id));
        var requeued = ExpectMsg<JobFound>(Wait).View; // answered once durable; it may have started already
        Assert.Contains(requeued.Status, new[] { JobStatus.Pending, JobStatus.Running });
        Assert.Null(requeued.Error);
        ExpectJobEvent(id, HistoryEvents.Completed);

        var view = Get(partition, id);
        Assert.Equal(1, view.Attempts);
        Assert.Equal("""{"run":2}""", view.Result);
        Assert.Contains(view.History, h => h.Event == HistoryEvents.Requeued);

        partition.Tell(new RequeueJob(0, id));
        Assert.Equal(JobStatus.Completed, ExpectMsg<JobConflict>(Wait).Status);
    }

    [Fact]
    public void Attempt_that_runs_past_its_timeout_fails_with_kind_timeout()
    {
        var partition = StartPartition(StartCapacity(2));
        var id = Submit(partition, Spec("hang", maxAttempts: 1, timeoutMs: 200)).JobId;

        ExpectJobEvent(id, HistoryEvents.Failed);
        var view = Get(partition, id);
        Assert.Equal(FailureKind.Timeout, view.Error!.Kind);
        AwaitCondition(() => Control.CancellationObserved.Contains(id), Wait, "the handler saw its token cancelled");
    }

    [Fact]
    public void Cancelling_a_pending_job_cancels_it_at_once_and_it_never_runs()
    {
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity);
        var blocker = Submit(partition, Spec("gate", """{"gate":"b"}""")).JobId;
        ExpectJobEvent(blocker, HistoryEvents.Started);
        var waiting = Submit(partition, Spec("record", """{"tag":"waiting"}""")).JobId;

        partition.Tell(new CancelJob(0, waiting));
        var cancelled = ExpectMsg<JobFound>(Wait).View;
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(FailureKind.Cancelled, cancelled.Error!.Kind);

        Control.Open("b");
        ExpectJobEvent(blocker, HistoryEvents.Completed);
        Assert.DoesNotContain("waiting", Control.Started);
        partition.Tell(new CancelJob(0, waiting));
        Assert.Equal(JobStatus.Cancelled, ExpectMsg<JobConflict>(Wait).Status);
    }

    [Fact]
    public void Cancelling_a_running_job_cancels_its_token()
    {
        var partition = StartPartition(StartCapacity(1));
        var id = Submit(partition, Spec("hang")).JobId;
        ExpectJobEvent(id, HistoryEvents.Started);

        partition.Tell(new CancelJob(0, id));
        ExpectMsg<JobFound>(Wait);
        ExpectJobEvent(id, HistoryEvents.Cancelled);

        Assert.Equal(JobStatus.Cancelled, Get(partition, id).Status);
        // The handler sees its token cancelled on a thread-pool continuation; on a busy machine that
        // can come after the 300 ms grace period already ended the attempt, so wait for it (not sleep).
        AwaitCondition(() => Control.CancellationObserved.Contains(id), Wait, "the handler observes its cancelled token");
        var next = Submit(partition, Spec("noop")).JobId; // the slot was given back
        ExpectJobEvent(next, HistoryEvents.Completed);
    }

    [Fact]
    public void A_handler_that_ignores_cancellation_is_stopped_after_the_grace_period()
    {
        var partition = StartPartition(StartCapacity(1));
        var id = Submit(partition, Spec("stubborn", """{"gate":"never"}""")).JobId;
        ExpectJobEvent(id, HistoryEvents.Started);

        partition.Tell(new CancelJob(0, id));
        ExpectMsg<JobFound>(Wait);
        ExpectJobEvent(id, HistoryEvents.Cancelled);
        Assert.Equal(JobStatus.Cancelled, Get(partition, id).Status);
        var next = Submit(partition, Spec("noop")).JobId;
        ExpectJobEvent(next, HistoryEvents.Completed);
    }

    [Fact]
    public void Saturated_node_starts_jobs_in_priority_order_fifo_within_a_priority()
    {
        var capacity = StartCapacity(1);
        // Two partitions share the node's single slot: priority must hold across them.
        var p0 = StartPartition(capacity, partitionId: 0);
        var p1 = StartPartition(capacity, partitionId: 1);
        var blocker = Submit(p0, Spec("gate", """{"gate":"blocker"}""")).JobId;
        ExpectJobEvent(blocker, HistoryEvents.Started);

        var priorities = new[] { 0, 5, -3, 5, 10, 0, -3, 10, 1, 0, 5, 2, -100, 100, 0, 3, 5, 1, 10, -3 };
        var expected = new List<(int Priority, int Seq)>();
        for (var i = 0; i < priorities.Length; i++)
        {
            var target = i % 2 == 0 ? p0 : p1;
            target.Tell(new SubmitJob(0, JobIds.NewId(DateTimeOffset.UtcNow), Spec("record", $$"""{"tag":"{{i}}"}""", priority: priorities[i])));
            ExpectMsg<JobSubmitted>(Wait);
            expected.Add((priorities[i], i));
        }
        Control.Open("blocker");

        AwaitCondition(() => Control.Started.Count == priorities.Length + 1, Wait, "all 20 queued jobs started");
        var order = Control.Started.Skip(1).Select(int.Parse).ToArray();
        var wanted = expected.OrderByDescending(e => e.Priority).ThenBy(e => e.Seq).Select(e => e.Seq).ToArray();
        Assert.Equal(wanted, order);
    }

    [Fact]
    public void Same_idempotency_key_returns_the_existing_job_and_stores_nothing_new()
    {
        var partition = StartPartition(StartCapacity(2));
        var id = JobIds.ForIdempotencyKey("default", "order-42");
        var first = Submit(partition, Spec("noop", key: "order-42"), id);
        ExpectJobEvent(id, HistoryEvents.Completed);
        var rows = JournalRows();

        var second = Submit(partition, Spec("noop", key: "order-42"), id);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(JobStatus.Completed, second.View!.Status);
        Assert.Equal(rows, JournalRows());
    }

    [Fact]
    public void Saturated_partition_refuses_new_submissions_and_stores_nothing_for_them()
    {
        var partition = StartPartition(StartCapacity(1), Options.Partitions with { MaxEventsInFlight = 1 });
        // Sent before recovery ends, so all 20 are handled back to back while the first write is in flight.
        for (var i = 0; i < 20; i++) partition.Tell(new SubmitJob(0, JobIds.NewId(DateTimeOffset.UtcNow), Spec("noop", runAt: DateTimeOffset.UtcNow.AddHours(1))));
        var replies = Enumerable.Range(0, 20).Select(_ => ExpectMsg<IJobReply>(Wait)).ToArray();

        var accepted = replies.OfType<JobSubmitted>().ToArray();
        Assert.NotEmpty(accepted);
        Assert.NotEmpty(replies.OfType<JobRejected>());
        Assert.Equal(20, accepted.Length + replies.OfType<JobRejected>().Count());
        Assert.Equal(accepted.Length, JournalRows());
        partition.Tell(new GetPartitionStatus(0));
        Assert.Equal(accepted.Length, ExpectMsg<PartitionStatus>(Wait).Scheduled);
    }

    [Fact]
    public void Progress_is_published_throttled_and_never_journaled()
    {
        var partition = StartPartition(StartCapacity(1));
        var id = Submit(partition, Spec("progress", """{"count":500}""")).JobId;

        var progress = new List<JobEventPublished>();
        Events.FishForMessage<JobEventPublished>(e =>
        {
            if (e.JobId == id && e.Entry.Event == HistoryEvents.Progress) progress.Add(e);
            return e.JobId == id && e.Entry.Event == HistoryEvents.Completed;
        }, Wait);

        Assert.NotEmpty(progress);
        Assert.True(progress.Count < 500, $"500 updates were throttled to {progress.Count}");
        Assert.Equal(100, progress[^1].Progress!.Percent);
        Assert.Equal(3, JournalRows()); // accepted, started, completed
    }

    [Fact]
    public void Recovery_uses_the_latest_snapshot_and_replays_only_later_events()
    {
        var settings = Options.Partitions with { SnapshotEvery = 10 };
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity, settings);
        var later = DateTimeOffset.UtcNow.AddHours(1);
        var ids = Enumerable.Range(0, 25).Select(_ => Submit(partition, Spec("noop", runAt: later)).JobId).ToArray();
        foreach (var id in ids[..15]) // events 26-40; each write confirmed before the next
        {
            partition.Tell(new CancelJob(0, id));
            Assert.Equal(JobStatus.Cancelled, ExpectMsg<JobFound>(Wait).View.Status);
        }
        Watch(partition);
        partition.Tell(PoisonPill.Instance);
        ExpectTerminated(partition, Wait);

        var recovered = StartPartition(capacity, settings);
        recovered.Tell(new GetPartitionStatus(0));
        var status = ExpectMsg<PartitionStatus>(Wait);

        Assert.Equal(10, status.Scheduled);
        // A snapshot is due once the events since the last one reach twice the jobs held
        // (SnapshotPolicy): never while every event adds a job (25 acceptances, 25 jobs); at event
        // 34 (9th cancellation: 34 events, 16 jobs); then 6 more events, short of the next one
        Assert.Equal(34, status.RecoveredFromSnapshotAt);
        Assert.Equal(6, status.EventsReplayed);
        Assert.All(ids[15..], id => Assert.Equal(JobStatus.Scheduled, Get(recovered, id).Status));
    }

    [Fact]
    public void Attempt_interrupted_by_a_crash_is_retried_after_recovery()
    {
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity);
        var id = Submit(partition, Spec("gate", """{"gate":"g"}""")).JobId;
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 1);
        Watch(partition);
        Sys.Stop(partition); // the partition and its runner die mid-attempt
        ExpectTerminated(partition, Wait);

        var recovered = StartPartition(capacity);
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 2);
        Control.Open("g");
        ExpectJobEvent(id, HistoryEvents.Completed, attempt: 2);

        var view = Get(recovered, id);
        Assert.Equal(2, view.Attempts);
        Assert.Contains(view.History, h => h.Event == HistoryEvents.AttemptFailed && h.Detail!.Contains("interrupted"));
    }

    [Fact]
    public void Interrupted_last_attempt_is_dead_lettered_not_retried()
    {
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity);
        var id = Submit(partition, Spec("gate", """{"gate":"never"}""", maxAttempts: 1)).JobId;
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 1);
        Watch(partition);
        Sys.Stop(partition);
        ExpectTerminated(partition, Wait);

        var recovered = StartPartition(capacity);
        ExpectJobEvent(id, HistoryEvents.Failed);
        Assert.Equal(JobStatus.Failed, Get(recovered, id).Status);
    }
}
