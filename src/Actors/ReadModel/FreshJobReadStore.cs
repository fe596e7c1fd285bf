using Akka.Actor;
using Akka.Cluster;
using Jobs.Actors.Partitions;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// The read model as lists see it: the SQL page merged with what the cluster's partitions made
/// durable since the projection last wrote (every reachable member's <see cref="LiveJobIndex"/>),
/// so a job shows on any node the moment it is accepted or ends (docs/architecture.md,
/// "Read-your-writes"). Writes and single reads go to the SQL store as they are. Until
/// <see cref="Attach"/> (the ActorSystem is up) it is the SQL store alone.
/// </summary>
public sealed class FreshJobReadStore(IJobReadStore sql) : IJobReadStore
{
    /// <summary>How long a list waits for another node's live jobs; one that does not answer in time is left out of that page.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(500);

    private ActorSystem? _system;

    /// <summary>The SQL store behind it (the projection writes there).</summary>
    public IJobReadStore Sql => sql;

    public void Attach(ActorSystem system) => _system = system;

    public Task InitializeAsync(CancellationToken ct = default) => sql.InitializeAsync(ct);

    public Task<long> GetOffsetAsync(string projection, CancellationToken ct = default) => sql.GetOffsetAsync(projection, ct);

    public Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events, CancellationToken ct = default) =>
        sql.ApplyAsync(projection, events, ct);

    public Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events, IReadOnlyDictionary<string, long> progress, CancellationToken ct = default) =>
        sql.ApplyAsync(projection, events, progress, ct);

    public Task<long> ProjectedSequenceNrAsync(string persistenceId, CancellationToken ct = default) => sql.ProjectedSequenceNrAsync(persistenceId, ct);

    public Task<JobView?> GetAsync(string jobId, CancellationToken ct = default) => sql.GetAsync(jobId, ct);

    public Task<long> CountAsync(CancellationToken ct = default) => sql.CountAsync(ct);

    public Task<IReadOnlyDictionary<string, JobStatus>> StatusesAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        sql.StatusesAsync(ids, ct);

    public Task<JobCounts> CountsAsync(string? tenant, CancellationToken ct = default) => sql.CountsAsync(tenant, ct);

    public Task<BatchPage> ListBatchesAsync(string? tenant, int limit, string? cursor, CancellationToken ct = default) =>
        sql.ListBatchesAsync(tenant, limit, cursor, ct);

    public async Task<JobPage> ListAsync(JobQuery query, DateTimeOffset now, CancellationToken ct = default)
    {
        var page = await sql.ListAsync(query, now, ct);
        if (_system is null) return page;
        var asked = LiveJobs.Query(query, now, page);
        return LiveJobs.Merge(asked, page, await AskEveryNodeAsync(asked, ct));
    }

    public async Task<IReadOnlyDictionary<JobStatus, int>> CountByStatusAsync(string batchId, string tenant, CancellationToken ct = default)
    {
        var counts = await sql.CountByStatusAsync(batchId, tenant, ct);
        if (_system is null) return counts;
        var live = new Dictionary<string, JobStatus>(StringComparer.Ordinal);
        foreach (var answer in await AskEveryNodeAsync(LiveJobs.BatchStatuses(batchId, tenant), ct))
            foreach (var s in answer.Statuses)
                live[s.Id] = s.Status;
        return live.Count == 0 ? counts : LiveJobs.Counts(counts, live, await sql.StatusesAsync(live.Keys, ct));
    }

    /// <summary>This node's index directly, every other reachable member's through its <see cref="LiveJobsResponder"/>.</summary>
    private async Task<IReadOnlyList<LiveJobsFound>> AskEveryNodeAsync(LiveJobsQuery query, CancellationToken ct)
    {
        var system = _system!;
        var index = LiveJobIndex.Get(system);
        var local = LiveJobs.Answer(query, index.Jobs(), index.Find);
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var others = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving && m.Address != cluster.SelfAddress && !state.Unreachable.Contains(m))
            .Select(m => AskAsync(system.ActorSelection(new RootActorPath(m.Address) / "user" / LiveJobsResponder.Name), query, ct))
            .ToArray();
        return others.Length == 0 ? [local] : [local, .. await Task.WhenAll(others)];
    }

    private static async Task<LiveJobsFound> AskAsync(ActorSelection node, LiveJobsQuery query, CancellationToken ct)
    {
        try
        {
            return await node.Ask<LiveJobsFound>(query, AskTimeout, ct);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return LiveJobsFound.None;
        }
    }
}
