using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace Jobs.Actors.Membership;

/// <summary>
/// Downs this node when a cluster member has quarantined it. A quarantine is final: that member
/// refuses every message from this incarnation, so the node can never take part again and must
/// restart (Akka's remoting says so itself). It happens to a node that was frozen (SIGSTOP, a long
/// GC pause, a suspended VM) past the failure detector: the others downed and removed it meanwhile.
/// Usually the woken node's own split-brain resolver downs it too (it is the minority), but that
/// needs its view of the others to stay unreachable for <c>stable-after</c>; the quarantine is the
/// certain signal, and Akka.NET's cluster does not act on it. Downing self runs the same
/// CoordinatedShutdown (reason: cluster downing, exit code 3) as any downed node.
/// </summary>
public sealed class QuarantineWatcher : ReceiveActor
{
    public const string Name = "quarantine-watcher";

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public QuarantineWatcher()
    {
        var cluster = Cluster.Get(Context.System);
        Receive<ThisActorSystemQuarantinedEvent>(e =>
        {
            var self = cluster.SelfMember.Status;
            if (self is not (MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining))
                return; // already leaving or down: its own shutdown is under way
            if (!cluster.State.Members.Any(m => m.Address == e.RemoteAddress))
            {
                _log.Warning("Quarantined by {0}, which is not a member of this cluster; ignored", e.RemoteAddress);
                return;
            }
            _log.Warning("Quarantined by cluster member {0}: it removed this node; downing myself (this node must restart to rejoin)", e.RemoteAddress);
            cluster.Down(cluster.SelfAddress);
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(ThisActorSystemQuarantinedEvent));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    public static Props Props() => Akka.Actor.Props.Create(() => new QuarantineWatcher());
}
