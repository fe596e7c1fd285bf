using System.Collections.Concurrent;

namespace Jobs.Actors.Hosting;

/// <summary>
/// Requests for one key (a partition, a tenant-day) that overlap in time travel together. Each key
/// has a lane: while it has <c>maxInFlight</c> messages out, later requests wait in it, and when one
/// comes back everything waiting (up to <c>maxBatch</c>) goes out as the next message. An idle lane
/// sends at once, so a lone request waits for nothing; under load one message carries many
/// requests. <c>send</c> answers each request of its batch; one it leaves unanswered, or a send
/// that throws, fails with an error. A lane with nothing waiting or out is dropped, so keys that come
/// and go (days) hold no memory.
/// </summary>
public sealed class Lanes<TKey, TItem, TAnswer>(Func<TKey, IReadOnlyList<Lanes<TKey, TItem, TAnswer>.Waiting>, Task> send, int maxInFlight, int maxBatch)
    where TKey : notnull
{
    /// <summary>A request and where its answer goes.</summary>
    public readonly record struct Waiting(TItem Item, TaskCompletionSource<TAnswer> Answer);

    private sealed class Lane
    {
        public readonly Queue<Waiting> Queue = new();
        public int InFlight;
        public bool Dropped;
    }

    private readonly ConcurrentDictionary<TKey, Lane> _lanes = new();

    /// <summary>The request's answer; a caller that gives up stops waiting, while its request may still be carried out.</summary>
    public Task<TAnswer> SubmitAsync(TKey key, TItem item, CancellationToken ct = default)
    {
        var answer = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            var lane = _lanes.GetOrAdd(key, _ => new Lane());
            List<Waiting>? batch = null;
            lock (lane)
            {
                if (lane.Dropped) continue; // dropped between the lookup and the lock: take the key's new lane
                lane.Queue.Enqueue(new Waiting(item, answer));
                if (lane.InFlight < maxInFlight) batch = Take(lane);
            }
            if (batch is not null) _ = SendAsync(key, lane, batch);
            return ct.CanBeCanceled ? answer.Task.WaitAsync(ct) : answer.Task;
        }
    }

    /// <summary>Under the lane's lock, with something waiting.</summary>
    private List<Waiting> Take(Lane lane)
    {
        var batch = new List<Waiting>(Math.Min(lane.Queue.Count, maxBatch));
        while (batch.Count < maxBatch && lane.Queue.TryDequeue(out var waiting)) batch.Add(waiting);
        lane.InFlight++;
        return batch;
    }

    private async Task SendAsync(TKey key, Lane lane, List<Waiting> batch)
    {
        while (true)
        {
            try
            {
                await send(key, batch);
                var unanswered = new InvalidOperationException("the request was not answered");
                foreach (var w in batch) w.Answer.TrySetException(unanswered);
            }
            catch (Exception e)
            {
                foreach (var w in batch) w.Answer.TrySetException(e);
            }
            lock (lane)
            {
                lane.InFlight--;
                if (lane.Queue.Count == 0)
                {
                    if (lane.InFlight == 0)
                    {
                        lane.Dropped = true;
                        _lanes.TryRemove(new KeyValuePair<TKey, Lane>(key, lane));
                    }
                    return;
                }
                batch = Take(lane);
            }
        }
    }
}
