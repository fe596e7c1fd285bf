using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Jobs.Actors.Placement;
using Jobs.Messages;

namespace Jobs.Actors.Queues;

/// <summary>
/// One per node (<c>/user/queue-switches</c>): follows the switch board — its publications, and a
/// fetch at start and every <see cref="RefreshInterval"/> (a publication lost to a partition or a
/// restart is caught up) — and tells the node's gate the newest paused set
/// (<see cref="PausedQueues"/>). Answers <see cref="ConfirmQueueSwitches"/> once it holds that
/// version, fetching at once when it does not yet.
/// </summary>
public sealed class QueueSwitchesFeed : ReceiveActor, IWithTimers
{
    public const string Name = "queue-switches";

    /// <summary>How often the feed fetches the switches whatever it heard: the longest a node that missed a publication runs on an old set.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long one fetch from the board may take; a failed first fetch is retried after this long.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(3);

    private sealed record Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private readonly IActorRef _board;
    private readonly IActorRef _capacity;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<(IActorRef Asker, long Version)> _waiting = [];
    private QueueSwitches? _current;

    public ITimerScheduler Timers { get; set; } = null!;

    public QueueSwitchesFeed(IActorRef board, IActorRef capacity)
    {
        _board = board;
        _capacity = capacity;
        Receive<SubscribeAck>(_ => { });
        Receive<Refresh>(_ => Fetch());
        Receive<QueueSwitches>(Learn);
        Receive<Status.Failure>(f =>
        {
            if (_current is null)
            {
                _log.Warning("queue switches not known yet ({0}); this node starts no job until they are", f.Cause.Message);
                Timers.StartSingleTimer("retry", Refresh.Instance, FetchTimeout);
            }
        });
        Receive<ConfirmQueueSwitches>(c =>
        {
            if (_current is not null && _current.Version >= c.Version) Sender.Tell(_current);
            else
            {
                _waiting.Add((Sender, c.Version));
                Fetch();
            }
        });
    }

    public static Props Props(IActorRef board, IActorRef capacity) => Akka.Actor.Props.Create(() => new QueueSwitchesFeed(board, capacity));

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(QueueSwitchesTopic.Name, Self));
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, RefreshInterval);
        Fetch();
    }

    private void Fetch() => _board.Ask<QueueSwitches>(GetQueueSwitches.Instance, FetchTimeout).PipeTo(Self);

    private void Learn(QueueSwitches s)
    {
        if (_current is null || s.Version > _current.Version)
        {
            _current = s;
            _capacity.Tell(new PausedQueues(s.Paused.ToHashSet(StringComparer.Ordinal), s.Version));
        }
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].Version > _current.Version) continue;
            _waiting[i].Asker.Tell(_current);
            _waiting.RemoveAt(i);
        }
    }
}
