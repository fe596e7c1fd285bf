using System.Reflection;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Actors.Placement;
using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>
/// The node's heartbeat: every interval, its stats (capacity gate + <see cref="JobMetrics"/>
/// totals, pending per queue, the latest pickup latencies + uptime and memory) published on <see cref="NodeStatsTopic.Name"/> through
/// DistributedPubSub. A node that is frozen or gone simply stops publishing.
/// </summary>
public sealed class NodeStatsPublisher : ReceiveActor, IWithTimers
{
    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    public static readonly string AppVersion =
        typeof(NodeStatsPublisher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeStatsPublisher(string address, IActorRef capacity, TimeSpan interval)
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        var metrics = JobMetrics.Get(Context.System);
        Receive<Tick>(_ => capacity.Ask<CapacityStatus>(GetCapacity.Instance, interval).PipeTo(Self));
        Receive<CapacityStatus>(c =>
        {
            var now = DateTimeOffset.UtcNow;
            var pickup = metrics.PickupPercentiles();
            mediator.Tell(new Publish(NodeStatsTopic.Name, new NodeStats(address, c.InUse, c.Capacity,
                metrics.TotalSubmitted, metrics.TotalProcessed, metrics.TotalFailed, metrics.TotalRetried, metrics.TotalDeadLettered,
                Math.Round((now - metrics.StartedAt).TotalSeconds, 1), c.MemoryBytes > 0 ? c.MemoryBytes : Environment.WorkingSet, c.Degraded, AppVersion, now)
            {
                Pending = WithRunning(metrics.PendingByQueue(), c.RunningByQueue),
                PickupP50Ms = pickup is { } p ? Math.Round(p.P50, 1) : null,
                PickupP99Ms = pickup is { } q ? Math.Round(q.P99, 1) : null,
            }));
        });
        Receive<Status.Failure>(_ => { }); // the gate was busy past the interval: skip this beat
        Timers.StartPeriodicTimer("beat", Tick.Instance, TimeSpan.Zero, interval);
    }

    /// <summary>Each queue's pending count with the attempts of it running here (a queue only running here is listed too).</summary>
    private static IReadOnlyList<QueueDepth> WithRunning(IReadOnlyList<QueueDepth> pending, IReadOnlyDictionary<string, int> running) =>
        pending.Select(q => q with { Running = running.GetValueOrDefault(q.Queue) })
            .Concat(running.Where(r => pending.All(q => q.Queue != r.Key)).Select(r => new QueueDepth(r.Key, 0, r.Value)))
            .OrderBy(q => q.Queue, StringComparer.Ordinal).ToArray();

    public static Props Props(string address, IActorRef capacity, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new NodeStatsPublisher(address, capacity, interval));
}
