using System.Collections.Concurrent;
using System.Diagnostics;
using Jobs.Actors.Observability;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>One span per attempt on the <c>Jobs</c> activity source, with the job's tags and outcome.</summary>
public sealed class AttemptTracingTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public void Every_attempt_is_a_span_tagged_with_the_job_and_its_outcome()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == JobTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var partition = StartPartition(StartCapacity(2));
        var id = Submit(partition, Spec("flaky", """{"succeedOn":2}""", maxAttempts: 3)).JobId;
        ExpectJobEvent(id, HistoryEvents.Completed);

        AwaitCondition(() => spans.Count(s => Equals(s.GetTagItem("job.id"), id)) == 2, Wait, "two attempt spans");
        var mine = spans.Where(s => Equals(s.GetTagItem("job.id"), id)).OrderBy(s => (int)s.GetTagItem("job.attempt")!).ToList();
        Assert.All(mine, s => Assert.Equal("job.attempt", s.OperationName));
        Assert.Equal(["failed", "completed"], mine.Select(s => (string)s.GetTagItem("job.outcome")!));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Ok], mine.Select(s => s.Status));
        Assert.All(mine, s => Assert.Equal("flaky", s.GetTagItem("job.type")));
    }

    private static JobSpec Spec(string type, string payload, int maxAttempts) => new()
    {
        Type = type,
        Payload = payload,
        MaxAttempts = maxAttempts,
        Backoff = new BackoffPolicy(10, 100, 0),
    };
}
