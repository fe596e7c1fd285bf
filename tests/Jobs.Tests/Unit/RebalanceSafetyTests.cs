using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>
/// The allocation strategy on a real one-node cluster: a region whose node has already left the
/// membership must not be asked to hand partitions off (it never answers; its partitions would
/// stay unavailable for the whole hand-off timeout instead of being allocated at once).
/// </summary>
public sealed class RebalanceSafetyTests() : Akka.TestKit.Xunit2.TestKit("""
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
    akka.cluster.roles = [default]
    akka.loglevel = WARNING
    """)
{
    private readonly PartitionLayout _layout = new(6, ["default"], 2);

    [Fact]
    public async Task No_partition_is_moved_while_a_departed_node_still_holds_some()
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        await AwaitConditionAsync(() => Task.FromResult(cluster.State.Members.Any(m => m.Address == cluster.SelfAddress && m.Status == MemberStatus.Up)),
            TimeSpan.FromSeconds(20), message: "the one-node cluster did not come Up");

        var local = CreateTestProbe("local-region").Ref;
        var departed = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(
            $"akka.tcp://{Sys.Name}@127.0.0.1:1/system/sharding/partitions");
        var strategy = new QueueAwareAllocationStrategy(Sys, _layout);

        // the departed node's region still owns 4 of 6 partitions: uneven, and "stranded" on a node with no roles
        var withDeparted = Alloc((local, ["0", "1"]), (departed, ["2", "3", "4", "5"]));
        Assert.Empty(await strategy.Rebalance(withDeparted, ImmutableHashSet<string>.Empty));

        // the same skew between live regions is evened out (the check above is not just "never move")
        var live = CreateTestProbe("other-local").Ref;
        var skewed = Alloc((local, ["0", "1", "2", "3", "4", "5"]), (live, []));
        Assert.NotEmpty(await strategy.Rebalance(skewed, ImmutableHashSet<string>.Empty));
    }

    private static IImmutableDictionary<IActorRef, IImmutableList<string>> Alloc(params (IActorRef Region, string[] Shards)[] regions) =>
        regions.ToImmutableDictionary(r => r.Region, r => (IImmutableList<string>)r.Shards.ToImmutableList());
}
