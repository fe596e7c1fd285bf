using System.Collections.Concurrent;
using Jobs.Actors.Hosting;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>Requests for one key that overlap go out together; every request is answered, even when its sender forgets it.</summary>
public sealed class LanesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class FakeSend
    {
        public readonly BlockingCollection<(string Key, IReadOnlyList<Lanes<string, int, int>.Waiting> Batch, TaskCompletionSource Done)> Sent = new();

        public Task Send(string key, IReadOnlyList<Lanes<string, int, int>.Waiting> batch)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Sent.Add((key, batch, done));
            return done.Task;
        }

        public (string Key, IReadOnlyList<Lanes<string, int, int>.Waiting> Batch, TaskCompletionSource Done) Next()
        {
            Assert.True(Sent.TryTake(out var next, Wait), "expected a message");
            return next;
        }
    }

    [Fact]
    public async Task Waiting_requests_go_out_together_and_a_key_idle_again_sends_its_next_request_at_once()
    {
        var send = new FakeSend();
        var lanes = new Lanes<string, int, int>(send.Send, maxInFlight: 1, maxBatch: 10);

        var first = lanes.SubmitAsync("acme|day1", 1);
        var (key, alone, done) = send.Next();
        Assert.Equal("acme|day1", key);
        var waiting = new[] { lanes.SubmitAsync("acme|day1", 2), lanes.SubmitAsync("acme|day1", 3) };
        Assert.False(send.Sent.TryTake(out _, TimeSpan.Zero)); // one out: the others wait
        alone[0].Answer.SetResult(10);
        done.SetResult();
        Assert.Equal(10, await first);

        var (_, together, done2) = send.Next();
        Assert.Equal([2, 3], together.Select(w => w.Item));
        foreach (var w in together) w.Answer.SetResult(w.Item * 10);
        done2.SetResult();
        var answers = await Task.WhenAll(waiting);
        Assert.Equal([20, 30], answers);

        // the lane emptied; the key's next request goes out at once
        var later = lanes.SubmitAsync("acme|day1", 4);
        var (_, next, done3) = send.Next();
        next[0].Answer.SetResult(40);
        done3.SetResult();
        Assert.Equal(40, await later);
    }

    [Fact]
    public async Task A_request_its_sender_leaves_unanswered_fails_instead_of_waiting_forever()
    {
        var send = new FakeSend();
        var lanes = new Lanes<string, int, int>(send.Send, maxInFlight: 2, maxBatch: 10);

        var answered = lanes.SubmitAsync("k", 1);
        var forgotten = lanes.SubmitAsync("k", 2);
        var (_, b1, d1) = send.Next();
        var (_, b2, d2) = send.Next();
        b1[0].Answer.SetResult(1);
        d1.SetResult();
        d2.SetResult();
        Assert.Equal(1, await answered);
        await Assert.ThrowsAsync<InvalidOperationException>(() => forgotten);
        Assert.Equal(2, b2[0].Item);
    }
}
