using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Jobs.Messages;

namespace Jobs.Actors.Limits;

/// <summary>
/// One limit key's limiter: a sharded, event-sourced entity (persistence id <c>limit-&lt;key&gt;</c>)
/// that journals the key's limits and holds its leases in memory (<see cref="LimiterState"/>). It
/// watches every holder (a partition): one that stops gives its leases back. A limiter that
/// (re)starts with limits grants nothing for <see cref="RegrantGrace"/>, while the holders of the
/// leases its previous incarnation granted re-register them (<see cref="RenewLeases"/>).
/// </summary>
public sealed class Limiter : ReceivePersistentActor, IWithTimers
{
    public const string RegionName = "limits";

    /// <summary>After a start, how long a limiter with limits waits for holders to re-register their leases before granting new ones.</summary>
    public static readonly TimeSpan RegrantGrace = TimeSpan.FromSeconds(2);

    /// <summary>The longest the limiter's wake-up timer waits at once (a far refill re-arms).</summary>
    public static readonly TimeSpan MaxWake = TimeSpan.FromMinutes(1);

    private sealed record Wake
    {
        public static readonly Wake Instance = new();
    }

    private readonly string _key;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private LimiterState _state;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    public Limiter(string key)
    {
        _key = key;
        PersistenceId = "limit-" + key;
        _state = LimiterState.Empty with { Epoch = Guid.NewGuid().ToString("N")[..8] };
        Recover<LimitDefined>(e => _state = _state.Define(e.Spec, Now));
        Recover<LimitCleared>(_ => _state = _state.Clear(_key).Item1);
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Spec is not null) _state = _state with { GrantsFrom = Now + RegrantGrace };
            Arm();
        });
        Command<SetLimit>(set => Persist(new LimitDefined(_key, set.Spec, Now), e =>
        {
            _state = _state.Define(e.Spec, Now);
            _log.Info("limit {0}: {1}", _key, e.Spec);
            Sender.Tell(_state.Status(_key));
            Send(_state.Grant(_key, Now));
        }));
        Command<ClearLimit>(_ =>
        {
            if (_state.Spec is null)
            {
                Sender.Tell(_state.Status(_key));
                return;
            }
            Persist(new LimitCleared(_key, Now), _ =>
            {
                _log.Info("limit {0} removed", _key);
                Send(_state.Clear(_key));
                Sender.Tell(_state.Status(_key));
            });
        });
        Command<GetLimit>(_ => Sender.Tell(_state.Status(_key)));
        Command<AcquireLease>(a =>
        {
            Context.Watch(Sender);
            Send(_state.Acquire(_key, new LimiterState.Waiter(Sender, a.RequestId, a.Tokens), Now));
        });
        Command<ReleaseLease>(r => Send(_state.Release(_key, r.LeaseId, r.TokensUsed, Now)));
        Command<RenewLeases>(r =>
        {
            Context.Watch(Sender);
            _state = _state.Renew(Sender, r.LeaseIds);
        });
        Command<Terminated>(t => Send(_state.HolderStopped(_key, t.ActorRef, Now)));
        Command<Wake>(_ => Send(_state.Grant(_key, Now)));
    }

    public static Props Props(string key) => Akka.Actor.Props.Create(() => new Limiter(key));

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void Send((LimiterState State, IReadOnlyList<LimiterState.Answer> Answers) change)
    {
        _state = change.State;
        foreach (var a in change.Answers) a.To.Tell(a.Message, Self);
        Arm();
    }

    /// <summary>Wakes when a waiter blocked by a bucket (or by the start's grace) can be granted.</summary>
    private void Arm()
    {
        if (_state.WakeAt(Now) is not { } at)
        {
            Timers.Cancel("wake");
            return;
        }
        var delay = at - Now;
        Timers.StartSingleTimer("wake", Wake.Instance, delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxWake ? MaxWake : delay + TimeSpan.FromMilliseconds(1));
    }
}

/// <summary>Routes a limit message to its key's limiter.</summary>
public sealed class LimiterExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message is IWithLimitKey m ? m.Key : null;

    public object EntityMessage(object message) => message;

    public string ShardId(object message) => EntityId(message) is { } key ? ShardOf(key) : throw new ArgumentException($"{message.GetType()} has no limit key");

    public string ShardId(string entityId, object? messageHint = null) => ShardOf(entityId);

    private static string ShardOf(string key) => JobIds.PartitionOf(key, 32).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Key of the limiters' shard region in Akka.Hosting's ActorRegistry.</summary>
public sealed class LimiterRegion;
