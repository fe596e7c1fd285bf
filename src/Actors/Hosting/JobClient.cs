using Akka.Actor;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Messages.Serialization;

namespace Jobs.Actors.Hosting;

/// <summary>The engine refused new work for now (backpressure); nothing was stored.</summary>
public sealed class JobEngineBusyException(string reason) : Exception(reason);

/// <summary>The outcome of a command on one job.</summary>
public abstract record JobCommandResult
{
    public sealed record Ok(JobView View) : JobCommandResult;
    public sealed record NotFound : JobCommandResult;
    public sealed record Conflict(JobStatus Status, string Detail) : JobCommandResult;
}

/// <summary>
/// The engine's API for hosts (HTTP, CLI, in-process users): computes the partition, asks the
/// shard region with a timeout, and falls back to the read model for jobs that finished long ago.
/// </summary>
public sealed class JobClient(IActorRef region, IJobReadStore readStore, JobsOptions options, IActorRef? batches = null)
{
    private readonly SubmissionLanes _lanes = new((message, ct) => AskWithRetry(region, options, message, ct));

    public IJobReadStore ReadStore { get; } = readStore;

    public Task<(JobView View, bool Created)> SubmitAsync(JobSpec spec, string? batchId = null, CancellationToken ct = default) =>
        SubmitAsync(spec, JobIds.ForNewJob(spec, DateTimeOffset.UtcNow), batchId, ct);

    /// <summary>Submits a job under a given id (batches derive their jobs' ids from the batch id). A payload or metadata that is not JSON throws <see cref="ArgumentException"/>.</summary>
    public async Task<(JobView View, bool Created)> SubmitAsync(JobSpec spec, string id, string? batchId, CancellationToken ct = default)
    {
        JsonText.Require(spec); // text that is not JSON would be refused by the journal: refuse it here, clearly
        // Sharding may drop a message buffered during a partition hand-off; the id is fixed before
        // the first try, so a retry of a submission that did land is recognised, not duplicated.
        // Overlapping submissions to one partition share a message (SubmissionLanes).
        var s = await _lanes.SubmitAsync(new SubmitJob(Partition(id), id, spec, batchId), ct);
        var view = s.View ?? await ReadStore.GetAsync(id, ct) ?? new JobView
        {
            Id = id,
            Type = spec.Type,
            Queue = spec.Queue,
            Tenant = spec.Tenant,
            Status = JobStatus.Completed,
        };
        return (view, s.Created);
    }

    /// <summary>At most this many jobs travel in one <see cref="SubmitJobs"/> message.</summary>
    public const int SubmitChunk = 250;

    /// <summary>Tries of one request within the ask timeout: sharding may drop a message buffered during a hand-off, and every command is idempotent for its job id.</summary>
    public const int AskTries = 3;

    /// <summary>
    /// Stores many jobs under given ids with one message per partition (per <see cref="SubmitChunk"/>
    /// jobs) instead of one per job. Throws <see cref="JobEngineBusyException"/> if a partition
    /// refused any; the ids are fixed, so a retry of the whole call duplicates nothing.
    /// </summary>
    public async Task SubmitManyAsync(IReadOnlyList<(JobSpec Spec, string JobId)> jobs, string? batchId, CancellationToken ct = default)
    {
        foreach (var (spec, _) in jobs) JsonText.Require(spec);
        var messages = jobs
            .Select(j => new SubmitJob(Partition(j.JobId), j.JobId, j.Spec, batchId))
            .GroupBy(j => j.PartitionId)
            .SelectMany(g => g.Chunk(SubmitChunk).Select(chunk => new SubmitJobs(g.Key, chunk)));
        var replies = await Task.WhenAll(messages.Select(m => Ask(m, ct)));
        foreach (var reply in replies)
        {
            if (reply is not JobsSubmitted s) throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}");
            if (s.Rejected.FirstOrDefault(r => r is not null) is { } reason) throw new JobEngineBusyException(reason);
        }
    }

    public async Task<JobView?> GetAsync(string jobId, CancellationToken ct = default) =>
        await Ask(new GetJob(Partition(jobId), jobId), ct) switch
        {
            JobFound f => f.View,
            _ => await ReadStore.GetAsync(jobId, ct), // finished long ago: only the read model has it
        };

    public Task<JobCommandResult> CancelAsync(string jobId, CancellationToken ct = default) =>
        Command(new CancelJob(Partition(jobId), jobId), ct);

    public Task<JobCommandResult> RequeueAsync(string jobId, CancellationToken ct = default) =>
        Command(new RequeueJob(Partition(jobId), jobId), ct);

    public Task<JobCommandResult> PurgeAsync(string jobId, CancellationToken ct = default) =>
        Command(new PurgeJob(Partition(jobId), jobId), ct);

    public int Partition(string jobId) => options.Partitions.Layout.PartitionOf(jobId);

    /// <summary>Submits a batch through the consistent-hash router (its coordinator submits the jobs).</summary>
    public async Task<BatchView> SubmitBatchAsync(SubmitBatch batch, CancellationToken ct = default)
    {
        var reply = await Batches.Ask<IJobsMessage>(batch, options.Node.BatchTimeout, ct);
        return reply switch
        {
            BatchView v => v,
            BatchRejected r => throw new JobEngineBusyException(r.Reason),
            BatchIdTaken t => throw new Jobs.Actors.Batches.BatchIdTakenException(t.BatchId),
            _ => throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}"),
        };
    }

    /// <summary>The tenant's batch; for a tenant other than the default one also a batch stored under the bare id by that tenant.</summary>
    public async Task<BatchView?> GetBatchAsync(string batchId, string tenant, CancellationToken ct = default) =>
        await Batches.Ask<IJobsMessage>(new GetTenantBatch(batchId, tenant), options.Node.AskTimeout, ct) as BatchView
        ?? (tenant == BatchKeys.DefaultTenant ? null
            : await Batches.Ask<IJobsMessage>(new GetBatch(batchId), options.Node.AskTimeout, ct) is BatchView bare && bare.Tenant == tenant ? bare : null);

    private IActorRef Batches => batches ?? throw new InvalidOperationException("this client has no batch router");

    private async Task<JobCommandResult> Command(IJobCommand cmd, CancellationToken ct)
    {
        var jobId = ((IWithJobId)cmd).JobId;
        switch (await Ask(cmd, ct))
        {
            case JobFound f:
                return new JobCommandResult.Ok(f.View);
            case JobConflict c:
                return new JobCommandResult.Conflict(c.Status, c.Detail);
            default:
                // Not in the partition's memory: finished long ago (terminal) or never existed.
                var archived = await ReadStore.GetAsync(jobId, ct);
                return archived is null
                    ? new JobCommandResult.NotFound()
                    : new JobCommandResult.Conflict(archived.Status, $"job is {archived.Status.ToString().ToLowerInvariant()}");
        }
    }

    private Task<IJobReply> Ask(IJobsMessage message, CancellationToken ct) => AskWithRetry(region, options, message, ct);

    private static async Task<IJobReply> AskWithRetry(IActorRef region, JobsOptions options, IJobsMessage message, CancellationToken ct)
    {
        const int tries = AskTries;
        var perTry = options.Node.AskTimeout / tries;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await region.Ask<IJobReply>(message, perTry, ct);
            }
            catch (AskTimeoutException) when (attempt < tries && !ct.IsCancellationRequested)
            {
                // try again: every command is idempotent for its job id
            }
        }
    }
}
