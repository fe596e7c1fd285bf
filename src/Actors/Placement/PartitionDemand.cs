using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Placement;

/// <summary>
/// A partition's side of its node's gate (<see cref="NodeCapacity"/>): it tells the gate the head of
/// the partition's pending queue whenever that changes. A partition of a queue this node does not
/// serve stores its jobs but never asks for a slot; it moves to a serving node as soon as one is up
/// (<see cref="QueueAwareAllocationStrategy"/>).
/// </summary>
public sealed class PartitionDemand(int partitionId, IActorRef capacity, bool serves)
{
    private (bool HasWork, int Priority, long Ticks)? _last;

    /// <summary>Tells the gate the current head (<paramref name="force"/>: even when unchanged, as the answer to a grant).</summary>
    public void Tell(JobRecord? head, bool force)
    {
        if (!serves) head = null;
        var demand = head is null ? (false, 0, 0L) : (true, head.Spec.Priority, head.CreatedAt.UtcTicks);
        if (!force && _last == demand) return;
        _last = demand;
        capacity.Tell(new Demand(partitionId, demand.Item1, demand.Item2, demand.Item3));
    }

    /// <summary>The partition is being handed off: it wants no more slots.</summary>
    public void Withdraw() => capacity.Tell(new Demand(partitionId, false, 0, 0));
}
