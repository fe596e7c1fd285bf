using Akka.Actor;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// A dependant (partition 0) waits for a dependency (partition 1) while one of the two partitions
/// restarts or is handed off: the dependency's end still reaches the dependant, with no periodic re-send.
/// </summary>
public sealed class DependencyRecoveryTests(ITestOutputHelper output) : RoutedPartitionTestKit(output)
{
    [Fact]
    public void A_dependant_runs_when_its_dependency_ends_after_the_dependency_partition_restarted()
    {
        var capacity = StartCapacity(2);
        var (dependencyPartition, _, a, b) = Waiting(capacity, "restart");

        Watch(dependencyPartition);
        Sys.Stop(dependencyPartition);
        ExpectTerminated(dependencyPartition, Wait);
        StartRouted(1, capacity);
        ExpectJobEvent(a, HistoryEvents.Started, attempt: 2);

        Control.Open("restart");
        ExpectJobEvent(b, HistoryEvents.Completed);
    }

    [Fact]
    public void A_dependant_is_cancelled_when_its_dependency_is_cancelled_after_a_hand_off()
    {
        var settings = Options.Partitions with { HandOffTimeoutMs = 300 };
        var capacity = StartCapacity(2);
        var (dependencyPartition, dependentPartition, a, b) = Waiting(capacity, "never", settings);

        Watch(dependencyPartition);
        dependencyPartition.Tell(StopPartition.Instance); // what sharding sends on hand-off
        ExpectJobEvent(a, HistoryEvents.HandedOff);
        ExpectTerminated(dependencyPartition, Wait);
        var next = StartRouted(1, capacity, settings, node: "node-2");
        ExpectJobEvent(a, HistoryEvents.Started);

        next.Tell(new CancelJob(0, a));
        ExpectMsg<JobFound>(Wait);
        ExpectJobEvent(b, HistoryEvents.Cancelled);
        var view = Get(dependentPartition, b);
        Assert.Equal(FailureKind.Dependency, view.Error!.Kind);
        Assert.Contains(a, view.Error.Message);
        Assert.DoesNotContain(b, Control.Started);
    }

    [Fact]
    public void A_dependant_whose_partition_restarted_sees_the_end_that_came_while_it_was_down()
    {
        var capacity = StartCapacity(2);
        var (_, dependentPartition, a, b) = Waiting(capacity, "down");

        Watch(dependentPartition);
        Sys.Stop(dependentPartition);
        ExpectTerminated(dependentPartition, Wait);
        Control.Open("down");
        ExpectJobEvent(a, HistoryEvents.Completed); // its end went to the stopped partition

        var recovered = StartRouted(0, capacity);
        ExpectJobEvent(b, HistoryEvents.Completed);
        Assert.Equal(JobStatus.Completed, Get(recovered, b).Status);
    }

    /// <summary>
    /// Partition 1 runs dependency A (held by the gate), partition 0 holds B waiting for A, and A's
    /// partition has received B's watch.
    /// </summary>
    private (IActorRef DependencyPartition, IActorRef DependentPartition, string A, string B) Waiting(
        IActorRef capacity, string gate, PartitionOptions? settings = null)
    {
        var dependencyPartition = StartRouted(1, capacity, settings, node: "node-1");
        var dependentPartition = StartRouted(0, capacity, settings);
        var a = Submit(dependencyPartition, Spec("gate", $$"""{"gate":"{{gate}}"}"""), IdIn(1)).JobId;
        var b = Submit(dependentPartition, Spec("record") with { DependsOn = [a] }, IdIn(0)).JobId;
        ExpectJobEvent(a, HistoryEvents.Started);
        AwaitAssert(() => Assert.Equal(1, CountWatches()), Wait);
        return (dependencyPartition, dependentPartition, a, b);
    }
}
