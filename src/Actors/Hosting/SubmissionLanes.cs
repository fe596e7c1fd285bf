using System.Collections.Concurrent;
using Jobs.Messages;

namespace Jobs.Actors.Hosting;

/// <summary>
/// Single submissions to one partition that overlap in time travel together. Each partition has a
/// lane: while it has <see cref="MaxInFlight"/> messages out, later submissions wait in it, and when
/// one comes back everything waiting (up to <see cref="JobClient.SubmitChunk"/>) goes out as one
/// <see cref="SubmitJobs"/> with views. An idle lane sends at once, so a lone submission waits for
/// nothing; under load one ask, one trip through the shard region and one partition command carry
/// many jobs instead of one each (docs/benchmarks.md, throughput). Each job still gets its own
/// answer — created, already known, or refused — once it is durable.
/// </summary>
public sealed class SubmissionLanes(Func<SubmitJobs, CancellationToken, Task<IJobReply>> send)
{
    /// <summary>Two: the next message is already at the partition while the previous one is being written.</summary>
    public const int MaxInFlight = 2;

    private readonly record struct Waiting(SubmitJob Job, TaskCompletionSource<JobSubmitted> Answer);

    private sealed class Lane
    {
        public readonly Queue<Waiting> Queue = new();
        public int InFlight;
    }

    private readonly ConcurrentDictionary<int, Lane> _lanes = new();

    /// <summary>The job's answer once it is durable; throws <see cref="JobEngineBusyException"/> if its partition refused it.</summary>
    public Task<JobSubmitted> SubmitAsync(SubmitJob job, CancellationToken ct = default)
    {
        var answer = new TaskCompletionSource<JobSubmitted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lane = _lanes.GetOrAdd(job.PartitionId, _ => new Lane());
        List<Waiting>? batch = null;
        lock (lane)
        {
            lane.Queue.Enqueue(new Waiting(job, answer));
            if (lane.InFlight < MaxInFlight) batch = Take(lane);
        }
        if (batch is not null) _ = SendAsync(job.PartitionId, lane, batch);
        // a caller that gives up stops waiting; its job may still be stored (its id is fixed, a retry finds it)
        return ct.CanBeCanceled ? answer.Task.WaitAsync(ct) : answer.Task;
    }

    /// <summary>Under the lane's lock, with something waiting.</summary>
    private static List<Waiting> Take(Lane lane)
    {
        var batch = new List<Waiting>(Math.Min(lane.Queue.Count, JobClient.SubmitChunk));
        while (batch.Count < JobClient.SubmitChunk && lane.Queue.TryDequeue(out var waiting)) batch.Add(waiting);
        lane.InFlight++;
        return batch;
    }

    private async Task SendAsync(int partition, Lane lane, List<Waiting> batch)
    {
        while (true)
        {
            try
            {
                var reply = await send(new SubmitJobs(partition, batch.Select(w => w.Job).ToArray()) { WithViews = true }, CancellationToken.None);
                Answer(batch, reply);
            }
            catch (Exception e)
            {
                foreach (var w in batch) w.Answer.TrySetException(e);
            }
            lock (lane)
            {
                lane.InFlight--;
                if (lane.Queue.Count == 0) return;
                batch = Take(lane);
            }
        }
    }

    private static void Answer(List<Waiting> batch, IJobReply reply)
    {
        if (reply is not JobsSubmitted s || s.JobIds.Count != batch.Count)
        {
            var error = new InvalidOperationException($"unexpected reply {reply.GetType().Name}");
            foreach (var w in batch) w.Answer.TrySetException(error);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (s.Rejected[i] is { } reason) batch[i].Answer.TrySetException(new JobEngineBusyException(reason));
            else batch[i].Answer.TrySetResult(new JobSubmitted(batch[i].Job.JobId, s.Created[i], s.Views?[i]));
        }
    }
}
