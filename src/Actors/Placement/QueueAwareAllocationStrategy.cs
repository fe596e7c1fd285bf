using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Jobs.Messages;

namespace Jobs.Actors.Placement;

/// <summary>
/// Places partitions (one per shard) on the nodes that serve their queue, least-loaded first.
/// <list type="bullet">
/// <item>Allocation: a partition of queue <c>q</c> goes to the reachable, Up node with role <c>q</c>
/// that holds the fewest of <c>q</c>'s partitions; if no node serves <c>q</c>, to the least-loaded
/// node overall, which accepts and stores the queue's jobs but does not run them.</item>
/// <item>Rebalance: a partition sitting on a node that does not serve its queue moves as soon as one
/// that does is Up; otherwise partitions of a queue are evened out over its serving nodes, at most
/// <see cref="MaxMovesPerRound"/> per round.</item>
/// <item>No rebalance while any member is unreachable or not Up: a hand-off needs an answer from
/// every region, and a frozen node would hold the moving partitions unavailable until the
/// hand-off timeout (akka/akka-core#26501). Failover does not need a rebalance: a downed node's
/// partitions are simply allocated afresh. Likewise none while a region of a node that has already
/// left the membership (downed and removed) still holds shards: it would never answer the hand-off,
/// and its partitions would wait for the hand-off timeout instead of being allocated at once.</item>
/// </list>
/// </summary>
public sealed class QueueAwareAllocationStrategy(ActorSystem system, PartitionLayout layout) : IShardAllocationStrategy
{
    public const int MaxMovesPerRound = 4;

    private Cluster Cluster => Cluster.Get(system);

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var queue = QueueOf(shardId);
        var regions = currentShardAllocations.Keys.Where(IsHealthy).ToList();
        if (regions.Count == 0) regions = currentShardAllocations.Keys.ToList();
        if (regions.Count == 0) return Task.FromResult(requester);
        var serving = regions.Where(r => Serves(r, queue)).ToList();
        var candidates = serving.Count > 0 ? serving : regions;
        var best = candidates
            .OrderBy(r => currentShardAllocations[r].Count(s => QueueOf(s) == queue))
            .ThenBy(r => currentShardAllocations[r].Count)
            .ThenBy(r => r.Path.ToString(), StringComparer.Ordinal)
            .First();
        return Task.FromResult(best);
    }

    public Task<IImmutableSet<string>> Rebalance(
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress)
    {
        IImmutableSet<string> none = ImmutableHashSet<string>.Empty;
        // A region whose node is gone (downed, removed) still holds its shards until the coordinator
        // sees it terminate; "moving" them would start a hand-off nobody answers.
        if (rebalanceInProgress.Count > 0 || !ClusterIsSettled() || !currentShardAllocations.Keys.All(IsHealthy))
            return Task.FromResult(none);
        return Task.FromResult<IImmutableSet<string>>(PickMoves(currentShardAllocations, Serves).ToImmutableHashSet());
    }

    /// <summary>The shards to move, given which regions serve which queue. Pure (exposed for tests).</summary>
    public IReadOnlyList<string> PickMoves(IImmutableDictionary<IActorRef, IImmutableList<string>> allocations,
        Func<IActorRef, string, bool> serves)
    {
        var moves = new List<string>();
        var servingOf = layout.Queues.ToDictionary(q => q, q => allocations.Keys.Where(r => serves(r, q)).ToList());
        // 1. partitions stranded on nodes that do not serve their queue, while a node that does is up
        foreach (var (region, shards) in allocations)
            moves.AddRange(shards.Where(s => !serves(region, QueueOf(s)) && servingOf[QueueOf(s)].Count > 0).Order(StringComparer.Ordinal));
        // 2. even out each queue's partitions over its serving nodes
        foreach (var (queue, serving) in servingOf)
        {
            if (serving.Count == 0) continue;
            var counts = serving.ToDictionary(r => r, r => allocations[r].Where(s => QueueOf(s) == queue).Order(StringComparer.Ordinal).ToList());
            var most = counts.MaxBy(kv => kv.Value.Count);
            var least = counts.MinBy(kv => kv.Value.Count);
            var excess = (most.Value.Count - least.Value.Count) / 2;
            if (excess > 0) moves.AddRange(most.Value.Take(excess));
        }
        return moves.Distinct().Take(MaxMovesPerRound).ToList();
    }

    private string QueueOf(string shardId) =>
        int.TryParse(shardId, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= 0 && p < layout.Total
            ? layout.QueueOfPartition(p)
            : PartitionLayout.DefaultQueue;

    private bool ClusterIsSettled()
    {
        var state = Cluster.State;
        return state.Unreachable.Count == 0 && state.Members.All(m => m.Status == MemberStatus.Up);
    }

    private Member? MemberOf(IActorRef region)
    {
        var address = region.Path.Address.HasLocalScope ? Cluster.SelfAddress : region.Path.Address;
        return Cluster.State.Members.FirstOrDefault(m => m.Address == address);
    }

    private bool IsHealthy(IActorRef region) =>
        MemberOf(region) is { Status: MemberStatus.Up } m && !Cluster.State.Unreachable.Contains(m);

    private bool Serves(IActorRef region, string queue) => MemberOf(region)?.HasRole(queue) == true;
}
