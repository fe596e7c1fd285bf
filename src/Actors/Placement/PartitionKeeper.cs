using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Jobs.Actors.Placement;

/// <summary>
/// Keeps every partition alive: at start and then periodically it asks the shard region to start
/// every partition (Akka's <see cref="ShardRegion.StartEntity"/>, which the shard answers itself,
/// without a message to the partition), so a partition that moved — a rebalance, a crashed node —
/// resumes its unfinished jobs without waiting for a request.
/// </summary>
public sealed class PartitionKeeper : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    public PartitionKeeper(IActorRef region, IReadOnlyList<int> partitions, TimeSpan interval)
    {
        var starts = partitions.Select(p => new ShardRegion.StartEntity(p.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        Receive<Tick>(_ =>
        {
            foreach (var start in starts) region.Tell(start);
        });
        ReceiveAny(_ => { }); // the shards' acknowledgements
        Self.Tell(new Tick());
        Timers.StartPeriodicTimer("keep-alive", new Tick(), interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, IReadOnlyList<int> partitions, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new PartitionKeeper(region, partitions, interval));
}
