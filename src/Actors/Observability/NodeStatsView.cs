using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>
/// Every node's latest heartbeat, as this node received them. Answers <see cref="GetNodeStats"/>
/// with each member's stats, when they arrived and whether that is longer ago than the stale
/// threshold. Members that left the cluster are dropped. Every <see cref="StatsSeries.Interval"/> it
/// samples the cluster's totals for the last hour's charts (<see cref="GetStatsSeries"/>).
/// </summary>
public sealed class NodeStatsView : ReceiveActor, IWithTimers
{
    private sealed record SampleDue
    {
        public static readonly SampleDue Instance = new();
    }

    private readonly Dictionary<string, (NodeStats Stats, DateTimeOffset Received)> _latest = new(StringComparer.Ordinal);
    private readonly StatsSeries _series = new();

    public NodeStatsView(TimeSpan staleAfter, Func<DateTimeOffset>? clock = null)
    {
        var now = clock ?? (() => DateTimeOffset.UtcNow);
        NodeStatsList List()
        {
            var at = now();
            return new NodeStatsList(_latest.Values
                .OrderBy(v => v.Stats.Address, StringComparer.Ordinal)
                .Select(v => new NodeStatsEntry(v.Stats, v.Received, at - v.Received > staleAfter))
                .ToList());
        }
        Receive<SubscribeAck>(_ => { });
        Receive<NodeStats>(s => _latest[s.Address] = (s, now()));
        Receive<ClusterEvent.MemberRemoved>(m => _latest.Remove(m.Member.Address.ToString()));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<GetNodeStats>(_ => Sender.Tell(List()));
        Receive<SampleDue>(_ => _series.Sample(now(), List().Nodes));
        Receive<GetStatsSeries>(_ => Sender.Tell(new StatsSeriesList(_series.Points)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan staleAfter) => Akka.Actor.Props.Create(() => new NodeStatsView(staleAfter, null));

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(NodeStatsTopic.Name, Self));
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("sample", SampleDue.Instance, StatsSeries.Interval);
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
