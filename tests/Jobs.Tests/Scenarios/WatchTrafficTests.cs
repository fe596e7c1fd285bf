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
}
