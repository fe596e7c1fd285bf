using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>The queryable job index the projection maintains.</summary>
public interface IJobReadStore
{
    Task InitializeAsync(CancellationToken ct = default);

    /// <summary>The journal offset up to which events have been applied (0 = none).</summary>
    Task<long> GetOffsetAsync(string projection, CancellationToken ct = default);

    /// <summary>Applies events in one transaction together with the new offset; events at or below the stored offset are skipped.</summary>
    Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events, CancellationToken ct = default);

    /// <summary>The same, and the highest sequence number applied per persistence id (<paramref name="progress"/>) in the same transaction.</summary>
    Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events, IReadOnlyDictionary<string, long> progress, CancellationToken ct = default);

    /// <summary>How far the projection has applied this persistence id's journal (0: nothing): rows up to it may be deleted.</summary>
    Task<long> ProjectedSequenceNrAsync(string persistenceId, CancellationToken ct = default);

    Task<JobView?> GetAsync(string jobId, CancellationToken ct = default);

    Task<JobPage> ListAsync(JobQuery query, DateTimeOffset now, CancellationToken ct = default);

    Task<long> CountAsync(CancellationToken ct = default);

    /// <summary>The read model's status of each of these jobs it has a row of.</summary>
    Task<IReadOnlyDictionary<string, JobStatus>> StatusesAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default);

    /// <summary>How many of a tenant's batch's jobs the read model has in each status (jobs not projected yet are absent).</summary>
    Task<IReadOnlyDictionary<JobStatus, int>> CountByStatusAsync(string batchId, string tenant, CancellationToken ct = default);

    /// <summary>How many jobs of a tenant (null: of every tenant) are in each status and in the DLQ: maintained counts, no scan.</summary>
    Task<JobCounts> CountsAsync(string? tenant, CancellationToken ct = default);

    /// <summary>A tenant's batches (null: every tenant's), newest first, keyset paged, with the read model's counts.</summary>
    Task<BatchPage> ListBatchesAsync(string? tenant, int limit, string? cursor, CancellationToken ct = default);
}
