using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Tests.Support;

/// <summary>
/// The shard region's part in partition tests: starts partitions as its children and routes every
/// <see cref="IWithPartitionId"/> message to the partition it names (dropped when that partition is
/// stopped, as sharding drops a message to a partition on the move); counts the <see cref="WatchJob"/>s.
/// </summary>
public sealed class PartitionRouter : ReceiveActor
{
    /// <summary>Start (or replace) partition <paramref name="PartitionId"/>; answered with its actor.</summary>
    public sealed record Start(int PartitionId, Props Props);

    /// <summary>Answered with the number of <see cref="WatchJob"/>s routed so far.</summary>
    public sealed record CountWatches
    {
        public static readonly CountWatches Instance = new();
    }

    private readonly Dictionary<int, IActorRef> _routes = [];
    private int _watches;

    public PartitionRouter()
    {
        Receive<Start>(s =>
        {
            _routes[s.PartitionId] = Context.ActorOf(s.Props);
            Sender.Tell(_routes[s.PartitionId]);
        });
        Receive<CountWatches>(_ => Sender.Tell(_watches));
        Receive<IWithPartitionId>(m =>
        {
            if (m is WatchJob) _watches++;
            if (_routes.TryGetValue(m.PartitionId, out var partition)) partition.Forward(m);
        });
    }
}
