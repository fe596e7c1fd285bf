using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote;
using Jobs.Actors.Membership;
using Jobs.Tests.Support;
using Xunit;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// Two real ActorSystems in one cluster over loopback, with no split-brain resolver: the only thing that
/// can down node A is its <see cref="QuarantineWatcher"/> reacting to B's quarantine (what a node frozen past
/// the failure detector meets when it wakes: the others removed it and refuse its incarnation).
/// </summary>
public sealed class QuarantineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Config NodeConfig() => ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.downing-provider-class = ""
        akka.cluster.run-coordinated-shutdown-when-down = on
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    [Fact]
    public async Task A_node_quarantined_by_a_cluster_member_downs_itself_and_shuts_down()
    {
        using var a = ActorSystem.Create("quarantine", NodeConfig());
        using var b = ActorSystem.Create("quarantine", NodeConfig());
        var clusterA = Cluster.Get(a);
        clusterA.Join(clusterA.SelfAddress);
        Cluster.Get(b).Join(clusterA.SelfAddress);
        await Eventually.Until(() => Task.FromResult(new[] { a, b }.All(s => Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == 2)),
            Deadline, "both nodes see two members up");
        a.ActorOf(QuarantineWatcher.Props(), QuarantineWatcher.Name);

        // B gives up on A's incarnation; A's next heartbeat to B is refused with "quarantined".
        ((IRemoteActorRefProvider)((ExtendedActorSystem)b).Provider).Quarantine(clusterA.SelfAddress, clusterA.SelfUniqueAddress.Uid);

        var terminated = await Task.WhenAny(a.WhenTerminated, Task.Delay(Deadline));
        Assert.True(terminated == a.WhenTerminated, "node A kept running after a cluster member quarantined it");
        Assert.IsType<CoordinatedShutdown.ClusterDowningReason>(CoordinatedShutdown.Get(a).ShutdownReason);
        Assert.Equal(MemberStatus.Up, Cluster.Get(b).SelfMember.Status); // B is untouched
        await b.Terminate();
    }
}
