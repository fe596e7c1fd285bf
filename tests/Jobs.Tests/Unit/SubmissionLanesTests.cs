using System.Collections.Concurrent;
using Jobs.Actors.Hosting;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>
/// Overlapping single submissions to one partition share a message: an idle lane sends at once,
/// a busy one gathers what waits into the next <see cref="SubmitJobs"/>; each job gets its own answer.
/// </summary>
public sealed class SubmissionLanesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>The partition side: every message sent, answered when the test says so.</summary>
    private sealed class FakeSend
    {
        public readonly BlockingCollection<(SubmitJobs Message, TaskCompletionSource<IJobReply> Reply)> Sent = new();

        public Task<IJobReply> Send(SubmitJobs message, CancellationToken _)
        {
            var reply = new TaskCompletionSource<IJobReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            Sent.Add((message, reply));
            return reply.Task;
        }

        public (SubmitJobs Message, TaskCompletionSource<IJobReply> Reply) Next()
        {
            Assert.True(Sent.TryTake(out var next, Wait), "expected a message to the partition");
            return next;
        }

        public static JobsSubmitted AllCreated(SubmitJobs m, Func<string, string?>? reject = null) =>
            new(m.Jobs.Select(j => j.JobId).ToArray(), m.Jobs.Select(_ => true).ToArray(), m.Jobs.Select(j => reject?.Invoke(j.JobId)).ToArray())
            {
                Views = m.Jobs.Select(j => reject?.Invoke(j.JobId) is null ? new JobView { Id = j.JobId, Type = j.Spec.Type, Queue = j.Spec.Queue, Tenant = j.Spec.Tenant } : null).ToArray(),
            };
    }

    private static SubmitJob Job(string id, int partition = 3) => new(partition, id, new JobSpec { Type = "noop" });

    [Fact]
    public async Task Submissions_that_overlap_go_out_together_and_each_gets_its_own_answer()
    {
        var partition = new FakeSend();
        var lanes = new SubmissionLanes(partition.Send);

        var first = lanes.SubmitAsync(Job("a"));
        var second = lanes.SubmitAsync(Job("b"));
        var (m1, r1) = partition.Next(); // idle lane: out at once, alone
        var (m2, r2) = partition.Next(); // a second message may be out while the first is written
        Assert.Equal(["a"], m1.Jobs.Select(j => j.JobId));
        Assert.Equal(["b"], m2.Jobs.Select(j => j.JobId));
        Assert.True(m1.WithViews);

        var waiting = Enumerable.Range(0, 10).Select(i => lanes.SubmitAsync(Job($"w{i}"))).ToArray();
        Assert.False(partition.Sent.TryTake(out _, TimeSpan.Zero)); // two out: the rest wait in the lane
        r1.SetResult(FakeSend.AllCreated(m1));
        Assert.Equal("a", (await first.WaitAsync(Wait)).JobId);
        var (m3, r3) = partition.Next(); // everything that waited, in one message
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"w{i}"), m3.Jobs.Select(j => j.JobId));
        Assert.All(m3.Jobs, j => Assert.Equal(3, j.PartitionId));

        r3.SetResult(FakeSend.AllCreated(m3, reject: id => id == "w4" ? "partition 3 has 5000 events waiting for the journal" : null));
        for (var i = 0; i < 10; i++)
        {
            if (i == 4)
            {
                var busy = await Assert.ThrowsAsync<JobEngineBusyException>(() => waiting[i].WaitAsync(Wait));
                Assert.Contains("5000 events", busy.Message);
                continue;
            }
            var answer = await waiting[i].WaitAsync(Wait);
            Assert.Equal($"w{i}", answer.JobId);
            Assert.True(answer.Created);
            Assert.Equal($"w{i}", answer.View!.Id);
        }
        r2.SetResult(FakeSend.AllCreated(m2));
        Assert.Equal("b", (await second.WaitAsync(Wait)).View!.Id);
    }

    [Fact]
    public async Task Partitions_have_separate_lanes_and_a_failed_message_fails_only_its_jobs()
    {
        var partition = new FakeSend();
        var lanes = new SubmissionLanes(partition.Send);
        var p1 = Enumerable.Range(0, 3).Select(i => lanes.SubmitAsync(Job($"p1-{i}", partition: 1))).ToArray();
        var p2 = lanes.SubmitAsync(Job("p2", partition: 2));
        var sent = Enumerable.Range(0, 3).Select(_ => partition.Next()).ToArray();
        // partition 1: two single messages out, the third job waits; partition 2 is not held up by it
        Assert.Single(sent, s => s.Message.PartitionId == 2);
        var toOne = sent.Where(s => s.Message.PartitionId == 1).ToArray();
        Assert.Equal(2, toOne.Length);

        toOne[0].Reply.SetException(new TimeoutException("no answer"));
        var failedId = toOne[0].Message.Jobs.Single().JobId;
        await Assert.ThrowsAsync<TimeoutException>(() => p1[failedId[^1] - '0'].WaitAsync(Wait));
        var (m, r) = partition.Next(); // the lane goes on with what waited
        Assert.Equal(["p1-2"], m.Jobs.Select(j => j.JobId));
        r.SetResult(FakeSend.AllCreated(m));
        Assert.True((await p1[2].WaitAsync(Wait)).Created);
        var two = sent.Single(s => s.Message.PartitionId == 2);
        two.Reply.SetResult(FakeSend.AllCreated(two.Message));
        Assert.Equal("p2", (await p2.WaitAsync(Wait)).JobId);
    }
}
