using Akka.Actor;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>dependsOn and partition hand-off on one real partition (SQLite journal); the cross-node versions are in Node/ClusterFeatureTests.</summary>
public sealed class DependencyAndHandOffTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public void A_chain_runs_in_dependency_order()
    {
        var partition = StartPartition(StartCapacity(4));
        var a = Submit(partition, Spec("gate", """{"gate":"a","tag":"a"}""")).JobId;
        var b = Submit(partition, Spec("record", """{"tag":"b"}""") with { DependsOn = [a] }).JobId;
        var c = Submit(partition, Spec("record", """{"tag":"c"}""") with { DependsOn = [b] }).JobId;

        ExpectJobEvent(a, HistoryEvents.Started);
        Assert.Equal(JobStatus.Scheduled, Get(partition, b).Status);
        Assert.Equal(JobStatus.Scheduled, Get(partition, c).Status);
        Control.Open("a");
        ExpectJobEvent(c, HistoryEvents.Completed);

        Assert.Equal(["a", "b", "c"], Control.Started.ToArray());
        Assert.Contains(Get(partition, c).History, h => h.Event == HistoryEvents.DependencyMet && h.Detail!.Contains(b));
    }

    [Fact]
    public void When_a_dependency_fails_its_dependents_are_cancelled_down_the_chain()
    {
        var partition = StartPartition(StartCapacity(4));
        var a = Submit(partition, Spec("permanent")).JobId;
        var b = Submit(partition, Spec("record") with { DependsOn = [a] }).JobId;
        var c = Submit(partition, Spec("record") with { DependsOn = [b] }).JobId;

        ExpectJobEvent(c, HistoryEvents.Cancelled);
        var vb = Get(partition, b);
        var vc = Get(partition, c);
        Assert.Equal((JobStatus.Cancelled, FailureKind.Dependency), (vb.Status, vb.Error!.Kind));
        Assert.Equal((JobStatus.Cancelled, FailureKind.Dependency), (vc.Status, vc.Error!.Kind));
        Assert.Contains(a, vb.Error.Message);
        Assert.Empty(Control.Started);
    }

    [Fact]
    public void A_dependency_that_does_not_exist_cancels_the_dependent()
    {
        var partition = StartPartition(StartCapacity(1));
        var b = Submit(partition, Spec("record") with { DependsOn = ["no-such-job"] }).JobId;
        ExpectJobEvent(b, HistoryEvents.Cancelled);
        Assert.Contains("does not exist", Get(partition, b).Error!.Message);
    }

    [Fact]
    public void Waiting_survives_a_restart_and_resumes_when_the_dependency_completes()
    {
        var capacity = StartCapacity(2);
        var partition = StartPartition(capacity);
        var a = Submit(partition, Spec("gate", """{"gate":"r","tag":"a"}""")).JobId;
        var b = Submit(partition, Spec("record", """{"tag":"b"}""") with { DependsOn = [a] }).JobId;
        ExpectJobEvent(a, HistoryEvents.Started);
        Watch(partition);
        Sys.Stop(partition);
        ExpectTerminated(partition, Wait);

        var recovered = StartPartition(capacity);
        ExpectJobEvent(a, HistoryEvents.Started, attempt: 2);
        Control.Open("r");
        ExpectJobEvent(b, HistoryEvents.Completed);
        Assert.Equal(JobStatus.Completed, Get(recovered, b).Status);
    }

    [Fact]
    public void A_hand_off_gives_up_a_stuck_attempt_without_counting_it_and_the_next_owner_runs_it()
    {
        var settings = Options.Partitions with { HandOffTimeoutMs = 300 };
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity, settings);
        var id = Submit(partition, Spec("gate", """{"gate":"h"}""", maxAttempts: 1)).JobId;
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 1);

        Watch(partition);
        partition.Tell(StopPartition.Instance); // what sharding sends on hand-off
        ExpectJobEvent(id, HistoryEvents.HandedOff, attempt: 1);
        ExpectTerminated(partition, Wait);

        var next = StartPartition(capacity, settings);
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 1); // the same attempt again: maxAttempts 1 is not used up
        Control.Open("h");
        ExpectJobEvent(id, HistoryEvents.Completed, attempt: 1);
        var view = Get(next, id);
        Assert.Equal(JobStatus.Completed, view.Status);
        Assert.Equal(1, view.Attempts);
        Assert.DoesNotContain(view.History, h => h.Event == HistoryEvents.AttemptFailed);
    }

    [Fact]
    public void A_hand_off_waits_for_a_running_attempt_that_finishes_in_time()
    {
        var settings = Options.Partitions with { HandOffTimeoutMs = 30_000 };
        var partition = StartPartition(StartCapacity(1), settings);
        var id = Submit(partition, Spec("gate", """{"gate":"w"}""")).JobId;
        ExpectJobEvent(id, HistoryEvents.Started);
        Watch(partition);
        partition.Tell(StopPartition.Instance);
        Control.Open("w");
        ExpectJobEvent(id, HistoryEvents.Completed);
        ExpectTerminated(partition, Wait);
    }
}
