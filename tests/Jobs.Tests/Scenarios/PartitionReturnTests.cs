using Akka.Actor;
using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// A partition that moves node A → node B → back to A (rebalance, failover, a rejoin) must
/// recover every event afterwards. Akka.Persistence.Sql stamps rows with one writer id per
/// journal (per node), so Akka's replay filter took A's later events for a stale writer and
/// dropped them at the next recovery — jobs accepted after the return vanished from the
/// partition (found by docker/e2e.sh). Two real ActorSystems (two journals) on one SQLite file.
/// </summary>
public sealed class PartitionReturnTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public async Task Events_written_after_a_partition_returns_to_a_node_are_recovered()
    {
        using var nodeB = ActorSystem.Create("jobs-test-b", SystemConfig(Options, virtualTime: false));
        var later = DateTimeOffset.UtcNow.AddDays(1); // scheduled: nothing runs, only journal writes
        var capacityA = StartCapacity(1);
        var capacityB = nodeB.ActorOf(NodeCapacity.Props(1));

        async Task<IActorRef> Submit(ActorSystem node, IActorRef capacity, string id)
        {
            var partition = node.ActorOf(JobSupervisor.Props(0, Services(capacity, node: node.Name)));
            var submitted = await partition.Ask<JobSubmitted>(new SubmitJob(0, id, Spec("record", runAt: later)), Wait);
            Assert.True(submitted.Created, $"{id} was not new on {node.Name}");
            return partition;
        }

        async Task Stop(IActorRef partition) => Assert.True(await partition.GracefulStop(Wait));

        await Stop(await Submit(Sys, capacityA, "job-on-a-first"));
        await Stop(await Submit(nodeB, capacityB, "job-on-b"));
        await Stop(await Submit(Sys, capacityA, "job-on-a-again")); // the partition came back to A

        var recovered = nodeB.ActorOf(JobSupervisor.Props(0, Services(capacityB, node: "b")));
        foreach (var id in new[] { "job-on-a-first", "job-on-b", "job-on-a-again" })
        {
            var reply = await recovered.Ask<IJobReply>(new GetJob(0, id), Wait);
            Assert.True(reply is JobFound, $"{id}: {reply} after recovery");
        }
        Assert.Equal(3, JournalRows());
        await nodeB.Terminate();
    }
}
