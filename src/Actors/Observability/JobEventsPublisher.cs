using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>Publishes job events cluster-wide on their partition's DistributedPubSub topic.</summary>
public sealed class JobEventsPublisher : ReceiveActor
{
    public JobEventsPublisher(PartitionLayout layout)
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        Receive<JobEventPublished>(e =>
            mediator.Tell(new Publish(Topics.ForPartition(layout.PartitionOf(e.JobId)), e)));
    }

    public static Props Props(PartitionLayout layout) => Akka.Actor.Props.Create(() => new JobEventsPublisher(layout));
}
