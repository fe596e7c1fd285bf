using Akka.Actor;
using Akka.TestKit;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// A partition forgets ended jobs at their expiry by its scheduler's clock (virtual here), on the
/// real SQLite journal, and a restarted partition does not bring them back.
/// </summary>
public sealed class RetentionVirtualTimeTests(ITestOutputHelper output) : PartitionTestKit(output, virtualTime: true)
{
    private static readonly RetentionPeriods Periods = new(TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), TimeSpan.FromSeconds(5));

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void Ended_jobs_are_forgotten_at_their_expiry_failed_ones_keep_theirs_and_a_restart_brings_nothing_back()
    {
        var capacity = StartCapacity(2);
        var partition = Start(capacity);
        var keyed = Submit(partition, Spec("noop", key: "daily"), JobIds.ForIdempotencyKey("default", "daily")).JobId;
        var failed = Submit(partition, Spec("permanent", maxAttempts: 1)).JobId;
        var shortFailed = Submit(partition, Spec("permanent", maxAttempts: 1) with { RetentionMs = 2_000 }).JobId;
        ExpectJobEvent(keyed, HistoryEvents.Completed);
        ExpectJobEvent(failed, HistoryEvents.Failed);
        ExpectJobEvent(shortFailed, HistoryEvents.Failed);
        var ended = Get(partition, keyed).CompletedAt!.Value;
        Assert.Equal(ended.AddSeconds(5), Get(partition, keyed).ExpiresAt);

        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(Find(partition, shortFailed)); // its own retention: 2 s
        Assert.NotNull(Find(partition, failed));

        Clock.Advance(ended.AddSeconds(5) - Clock.Now - TimeSpan.FromMilliseconds(1));
        Assert.Equal(JobStatus.Completed, Find(partition, keyed)!.Status); // not a millisecond early
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(Find(partition, keyed));
        Assert.Equal(JobStatus.Failed, Find(partition, failed)!.Status); // failed: an hour

        // journaled: a restarted partition recovers without the expired jobs, with the failed one
        Restart(ref partition, capacity);
        Assert.Null(Find(partition, keyed));
        Assert.Null(Find(partition, shortFailed));
        Assert.Equal(JobStatus.Failed, Find(partition, failed)!.Status);

        // the key is free again: the same key makes a new job
        Assert.True(Submit(partition, Spec("noop", key: "daily"), keyed).Created);
        ExpectJobEvent(keyed, HistoryEvents.Completed);
    }

    private IActorRef Start(IActorRef capacity) =>
        Sys.ActorOf(JobSupervisor.Props(0, Services(capacity) with { Retention = Periods }));

    private void Restart(ref IActorRef partition, IActorRef capacity)
    {
        // a hand-off's stop: once every write (the expiries included) is durable
        Watch(partition);
        partition.Tell(StopPartition.Instance);
        ExpectTerminated(partition, Wait);
        partition = Start(capacity);
    }

    private JobView? Find(IActorRef partition, string id)
    {
        partition.Tell(new GetJob(0, id));
        return ExpectMsg<IJobReply>(Wait) is JobFound f ? f.View : null;
    }
}
