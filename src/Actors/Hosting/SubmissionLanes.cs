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
public sealed class SubmissionLanes
{
    /// <summary>Two: the next message is already at the partition while the previous one is being written.</summary>
    public const int MaxInFlight = 2;

    private readonly Lanes<int, SubmitJob, JobSubmitted> _lanes;

    public SubmissionLanes(Func<SubmitJobs, CancellationToken, Task<IJobReply>> send) =>
        _lanes = new((partition, batch) => SendAsync(send, partition, batch), MaxInFlight, JobClient.SubmitChunk);

    /// <summary>The job's answer once it is durable; throws <see cref="JobEngineBusyException"/> if its partition refused it.</summary>
    public Task<JobSubmitted> SubmitAsync(SubmitJob job, CancellationToken ct = default) =>
        // a caller that gives up stops waiting; its job may still be stored (its id is fixed, a retry finds it)
        _lanes.SubmitAsync(job.PartitionId, job, ct);

    private static async Task SendAsync(Func<SubmitJobs, CancellationToken, Task<IJobReply>> send, int partition,
        IReadOnlyList<Lanes<int, SubmitJob, JobSubmitted>.Waiting> batch)
    {
        var reply = await send(new SubmitJobs(partition, batch.Select(w => w.Item).ToArray()) { WithViews = true }, CancellationToken.None);
        if (reply is not JobsSubmitted s || s.JobIds.Count != batch.Count)
            throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}");
        for (var i = 0; i < batch.Count; i++)
        {
            if (s.Rejected[i] is { } reason) batch[i].Answer.TrySetException(new JobEngineBusyException(reason));
            else batch[i].Answer.TrySetResult(new JobSubmitted(batch[i].Item.JobId, s.Created[i], s.Views?[i]));
        }
    }
}
