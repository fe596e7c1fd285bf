using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Jobs.Messages;

namespace Jobs.Actors.Queues;

/// <summary>
/// The cluster's queue switches: one sharded, event-sourced entity (persistence id
/// <c>queue-switches</c>) that journals every pause and resume (<see cref="QueueSwitchesState"/>)
/// and, once an event is durable, publishes the new state on <see cref="QueueSwitchesTopic"/> and
/// answers the caller with it. Every node's <see cref="QueueSwitchesFeed"/> follows it.
/// </summary>
public sealed class QueueSwitchBoard : ReceivePersistentActor
{
    public const string RegionName = "queue-switches";
    public const string EntityName = "queues";

    /// <summary>Events between snapshots (a snapshot is the paused set; the journal of toggles stays short to replay).</summary>
    public const int SnapshotEvery = 100;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;
    private QueueSwitchesState _state = QueueSwitchesState.Empty;

    public override string PersistenceId => "queue-switches";

    public QueueSwitchBoard()
    {
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is QueueSwitches s)
                _state = new QueueSwitchesState(QueueSwitchesState.Empty.Paused.Union(s.Paused), s.Version);
        });
        Recover<QueuePaused>(e => _state = _state.Apply(e, LastSequenceNr));
        Recover<QueueResumed>(e => _state = _state.Apply(e, LastSequenceNr));
        Command<PauseQueue>(Change);
        Command<ResumeQueue>(Change);
        Command<GetQueueSwitches>(_ => Sender.Tell(_state.ToMessage()));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("queue switches: snapshot failed: {0}", f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new QueueSwitchBoard());

    private void Change(object command)
    {
        var sender = Sender;
        if (_state.Decide(command, DateTimeOffset.UtcNow) is not { } e)
        {
            sender.Tell(_state.ToMessage());
            return;
        }
        Persist(e, done =>
        {
            _state = _state.Apply(done, LastSequenceNr);
            _log.Info("{0}: switches version {1}", done is QueuePaused p ? "queue " + p.Queue + " paused" : "queue " + ((QueueResumed)done).Queue + " resumed", _state.Version);
            var message = _state.ToMessage();
            _mediator.Tell(new Publish(QueueSwitchesTopic.Name, message));
            sender.Tell(message);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(message);
        });
    }
}

/// <summary>Every switch message goes to the one board entity.</summary>
public sealed class QueueSwitchBoardExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message is PauseQueue or ResumeQueue or GetQueueSwitches ? QueueSwitchBoard.EntityName : null;

    public object EntityMessage(object message) => message;

    public string ShardId(object message) => EntityId(message) ?? throw new ArgumentException($"{message.GetType()} is not a queue switch message");

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}

/// <summary>Key of the switch board's shard region in Akka.Hosting's ActorRegistry.</summary>
public sealed class QueueSwitchRegion;
