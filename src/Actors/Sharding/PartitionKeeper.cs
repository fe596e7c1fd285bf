using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Sharding;

/// <summary>
/// Keeps every partition alive: at start and then periodically it wakes all partitions through
/// the shard region, so a partition that moved (rebalance, a crashed node) resumes its unfinished
/// jobs without waiting for a request.
/// </summary>
public sealed class PartitionKeeper : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    public PartitionKeeper(IActorRef region, IReadOnlyList<int> partitions, TimeSpan interval)
    {
        Receive<Tick>(_ =>
        {
            foreach (var p in partitions) region.Tell(new WakePartition(p));
        });
        Self.Tell(new Tick());
        Timers.StartPeriodicTimer("wake", new Tick(), interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, IReadOnlyList<int> partitions, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new PartitionKeeper(region, partitions, interval));
}
