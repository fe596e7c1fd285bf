using Akka.Actor;

namespace Jobs.Actors.Placement;

/// <summary>
/// A partition's side of its node's gate (<see cref="NodeCapacity"/>): it tells the gate the heads
/// of the partition's pending queue (one per tenant) whenever they change. A partition of a queue
/// this node does not serve stores its jobs but never asks for a slot; it moves to a serving node
/// as soon as one is up (<see cref="QueueAwareAllocationStrategy"/>).
/// </summary>
public sealed class PartitionDemand(int partitionId, string queue, IActorRef capacity, bool serves)
{
    private static readonly TenantHead[] None = [];
    private Demand? _last;

    /// <summary>Tells the gate the current heads (<paramref name="force"/>: even when unchanged, as the answer to a grant).</summary>
    public void Tell(IReadOnlyList<TenantHead> heads, bool force)
    {
        var demand = new Demand(partitionId, queue, serves ? heads : None);
        if (!force && demand.SameAs(_last)) return;
        _last = demand;
        capacity.Tell(demand);
    }

    /// <summary>The partition is being handed off: it wants no more slots.</summary>
    public void Withdraw() => capacity.Tell(new Demand(partitionId, queue, None));
}
