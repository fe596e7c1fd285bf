using Akka.Actor;
using Akka.Remote;
using Akka.TestKit;
using Jobs.Actors.Dependencies;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>Dependency watches at rest, under the TestKit's virtual clock: waiting longer sends nothing more.</summary>
public sealed class WatchTrafficTests(ITestOutputHelper output) : RoutedPartitionTestKit(output, virtualTime: true)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void Waiting_jobs_send_each_watch_once_however_long_they_wait()
    {
        var capacity = StartCapacity(4);
        var dependencyPartition = StartRouted(1, capacity);
        var dependentPartition = StartRouted(0, capacity);
        Status(dependencyPartition);
        Status(dependentPartition);
        Clock.Advance(DependencyWatches.RewatchDelay); // the passes the two recoveries started find nothing waiting

        var dependencies = Enumerable.Range(0, 5)
            .Select(_ => Submit(dependencyPartition, Spec("noop", runAt: Clock.Now.AddDays(1)), IdIn(1)).JobId).ToArray();
        var dependents = Enumerable.Range(0, 20)
            .Select(_ => Submit(dependentPartition, Spec("noop") with { DependsOn = dependencies }, IdIn(0)).JobId).ToArray();
        const int Watches = 20 * 5;
        AwaitAssert(() => Assert.Equal(Watches, CountWatches()), Wait);

        for (var i = 0; i < 20; i++) Clock.Advance(TimeSpan.FromSeconds(3)); // a minute of waiting
        Status(dependentPartition); // every timer the minute fired has been handled
        Assert.Equal(Watches, CountWatches());

        Clock.Advance(TimeSpan.FromDays(1)); // the dependencies run, and their ends reach the dependents
        ExpectAllJobEvents(dependents, HistoryEvents.Completed);
        Assert.Equal(Watches, CountWatches());
    }

    [Fact]
    public void A_lost_link_to_another_node_sends_the_watches_again_once()
    {
        var capacity = StartCapacity(4);
        var dependencyPartition = StartRouted(1, capacity);
        var dependentPartition = StartRouted(0, capacity);
        Status(dependencyPartition);
        Status(dependentPartition);
        Clock.Advance(DependencyWatches.RewatchDelay);

        var dependencies = Enumerable.Range(0, 3)
            .Select(_ => Submit(dependencyPartition, Spec("noop", runAt: Clock.Now.AddDays(1)), IdIn(1)).JobId).ToArray();
        var dependents = Enumerable.Range(0, 10)
            .Select(_ => Submit(dependentPartition, Spec("noop") with { DependsOn = dependencies }, IdIn(0)).JobId).ToArray();
        const int Watches = 10 * 3;
        AwaitAssert(() => Assert.Equal(Watches, CountWatches()), Wait);

        // an association ends (Akka.Remote publishes this when a link is gated or closed): what was in flight may be lost
        var local = new Address("akka.tcp", Sys.Name, "127.0.0.1", 1);
        var remote = new Address("akka.tcp", Sys.Name, "127.0.0.1", 2);
        Sys.EventStream.Publish(new DisassociatedEvent(local, remote, inbound: false));
        Sys.EventStream.Publish(new DisassociatedEvent(local, remote, inbound: true)); // both directions: one pass
        Status(dependentPartition);
        Clock.Advance(DependencyWatches.RewatchDelay);
        AwaitAssert(() => Assert.Equal(2 * Watches, CountWatches()), Wait);

        for (var i = 0; i < 20; i++) Clock.Advance(TimeSpan.FromSeconds(3));
        Status(dependentPartition);
        Assert.Equal(2 * Watches, CountWatches());

        Clock.Advance(TimeSpan.FromDays(1));
        ExpectAllJobEvents(dependents, HistoryEvents.Completed);
    }
}
