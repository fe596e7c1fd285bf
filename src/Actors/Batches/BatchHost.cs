using Akka.Actor;
using Jobs.Actors.ReadModel;
using Jobs.Messages;

namespace Jobs.Actors.Batches;

/// <summary>
/// One per node at <c>/user/batches</c>, the routee of the cluster's consistent-hash group router:
/// keeps a <see cref="BatchCoordinator"/> child per batch key (<see cref="BatchKeys"/>) it is asked about.
/// </summary>
public sealed class BatchHost : ReceiveActor
{
    public const string Name = "batches";

    public BatchHost(BatchCoordinator.SubmitAll submit, IJobReadStore readStore, string node)
    {
        Receive<SubmitBatch>(b => CoordinatorFor(BatchKeys.For(b.Tenant, b.BatchId), b.BatchId, submit, readStore, node).Forward(b));
        Receive<GetTenantBatch>(q => CoordinatorFor(BatchKeys.For(q.Tenant, q.BatchId), q.BatchId, submit, readStore, node).Forward(q));
        Receive<GetBatch>(q => CoordinatorFor(q.BatchId, q.BatchId, submit, readStore, node).Forward(q));
    }

    public static Props Props(BatchCoordinator.SubmitAll submit, IJobReadStore readStore, string node) =>
        Akka.Actor.Props.Create(() => new BatchHost(submit, readStore, node));

    private static IActorRef CoordinatorFor(string key, string batchId, BatchCoordinator.SubmitAll submit, IJobReadStore readStore, string node)
    {
        var name = "b-" + Uri.EscapeDataString(key);
        var child = Context.Child(name);
        return child.IsNobody() ? Context.ActorOf(BatchCoordinator.Props(key, batchId, submit, readStore, node), name) : child;
    }
}
