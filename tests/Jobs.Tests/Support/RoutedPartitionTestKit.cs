using Akka.Actor;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Xunit.Abstractions;

namespace Jobs.Tests.Support;

/// <summary>
/// <see cref="PartitionTestKit"/> with several partitions that reach each other through a
/// <see cref="PartitionRouter"/>, as they do through the shard region.
/// </summary>
public abstract class RoutedPartitionTestKit : PartitionTestKit
{
    protected RoutedPartitionTestKit(ITestOutputHelper output, bool virtualTime = false) : base(output, virtualTime)
    {
        Router = Sys.ActorOf(Props.Create(() => new PartitionRouter()), "partitions");
    }

    protected IActorRef Router { get; }

    /// <summary>Starts partition <paramref name="partitionId"/> behind the router (replacing the one it had).</summary>
    protected IActorRef StartRouted(int partitionId, IActorRef capacity, PartitionOptions? options = null, string node = "test-node")
    {
        var services = Services(capacity, options, node) with { Router = Router };
        Router.Tell(new PartitionRouter.Start(partitionId, JobSupervisor.Props(partitionId, services)));
        return ExpectMsg<IActorRef>(Wait);
    }

    /// <summary>Returns once the partition has recovered and handled everything sent to it before.</summary>
    protected void Status(IActorRef partition)
    {
        partition.Tell(new GetPartitionStatus(0));
        ExpectMsg<PartitionStatus>(Wait);
    }

    protected int CountWatches()
    {
        Router.Tell(PartitionRouter.CountWatches.Instance);
        return ExpectMsg<int>(Wait);
    }

    /// <summary>A new job id that the layout places in <paramref name="partition"/>.</summary>
    protected string IdIn(int partition)
    {
        while (true)
            if (JobIds.NewId(Sys.Scheduler.Now) is var id && Options.Partitions.Layout.PartitionOf(id) == partition) return id;
    }
}
