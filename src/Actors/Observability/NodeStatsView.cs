using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>
/// Every node's latest heartbeat, as this node received them. Answers <see cref="GetNodeStats"/>
/// with each member's stats, when they arrived and whether that is longer ago than the stale
/// threshold. Members that left the cluster are dropped.
/// </summary>
public sealed class NodeStatsView : ReceiveActor
{
    private readonly Dictionary<string, (NodeStats Stats, DateTimeOffset Received)> _latest = new(StringComparer.Ordinal);

    public NodeStatsView(TimeSpan staleAfter, Func<DateTimeOffset>? clock = null)
    {
        var now = clock ?? (() => DateTimeOffset.UtcNow);
        Receive<SubscribeAck>(_ => { });
        Receive<NodeStats>(s => _latest[s.Address] = (s, now()));
        Receive<ClusterEvent.MemberRemoved>(m => _latest.Remove(m.Member.Address.ToString()));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<GetNodeStats>(_ =>
        {
            var at = now();
            Sender.Tell(new NodeStatsList(_latest.Values
                .OrderBy(v => v.Stats.Address, StringComparer.Ordinal)
                .Select(v => new NodeStatsEntry(v.Stats, v.Received, at - v.Received > staleAfter))
                .ToList()));
        });
    }

    public static Props Props(TimeSpan staleAfter) => Akka.Actor.Props.Create(() => new NodeStatsView(staleAfter, null));

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(NodeStatsTopic.Name, Self));
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
