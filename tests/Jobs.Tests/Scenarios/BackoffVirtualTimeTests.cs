using Akka.TestKit;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>Retry timing under the TestKit's virtual clock: nothing waits for real time.</summary>
public sealed class BackoffVirtualTimeTests(ITestOutputHelper output) : PartitionTestKit(output, virtualTime: true)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void Retries_wait_exponentially_growing_backoffs()
    {
        var partition = StartPartition(StartCapacity(1));
        var t0 = Clock.Now;
        var id = Submit(partition, Spec("flaky", """{"succeedOn":99}""", maxAttempts: 3, initialBackoffMs: 1000)).JobId;

        ExpectJobEvent(id, HistoryEvents.RetryScheduled, attempt: 2);
        Assert.Equal(JobStatus.Scheduled, Get(partition, id).Status);
        Assert.Equal(t0.AddSeconds(1), Get(partition, id).RunAt);

        Clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(JobStatus.Scheduled, Get(partition, id).Status); // not a millisecond early
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 2);

        ExpectJobEvent(id, HistoryEvents.RetryScheduled, attempt: 3);
        Assert.Equal(t0.AddSeconds(3), Get(partition, id).RunAt); // 1 s, then 2 s
        Clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(JobStatus.Scheduled, Get(partition, id).Status);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        ExpectJobEvent(id, HistoryEvents.Started, attempt: 3);

        ExpectJobEvent(id, HistoryEvents.Failed);
        var view = Get(partition, id);
        Assert.Equal(JobStatus.Failed, view.Status);
        var starts = view.History.Where(h => h.Event == HistoryEvents.Started).Select(h => h.At).ToArray();
        Assert.Equal([t0, t0.AddSeconds(1), t0.AddSeconds(3)], starts);
    }

    [Fact]
    public void Job_with_run_at_in_the_future_waits_for_it()
    {
        var partition = StartPartition(StartCapacity(1));
        var id = Submit(partition, Spec("noop", runAt: Clock.Now.AddMinutes(10))).JobId;
        Assert.Equal(JobStatus.Scheduled, Get(partition, id).Status);

        Clock.Advance(TimeSpan.FromMinutes(10));
        ExpectJobEvent(id, HistoryEvents.Completed);
    }
}
