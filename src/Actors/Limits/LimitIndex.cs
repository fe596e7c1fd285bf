using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Jobs.Messages;

namespace Jobs.Actors.Limits;

/// <summary>
/// The keys that have limits, for <c>GET /api/limits</c>: one sharded, event-sourced entity
/// (persistence id <c>limit-index</c>), at most <see cref="MaxKeys"/> keys. A key is added before
/// its limiter stores the limits and removed after it cleared them, so every key with limits is
/// listed (a listed key whose limiter has none is skipped by the list).
/// </summary>
public sealed class LimitIndex : ReceivePersistentActor
{
    public const string RegionName = "limit-index";
    public const int MaxKeys = 1000;

    private ImmutableSortedSet<string> _keys = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public override string PersistenceId => "limit-index";

    public LimitIndex()
    {
        Recover<LimitKeyAdded>(e => _keys = _keys.Add(e.Key));
        Recover<LimitKeyRemoved>(e => _keys = _keys.Remove(e.Key));
        Command<AddLimitKey>(a =>
        {
            if (_keys.Contains(a.Key)) Sender.Tell(List());
            else if (_keys.Count >= MaxKeys) Sender.Tell(new LimitIndexFull(MaxKeys));
            else Persist(new LimitKeyAdded(a.Key), e =>
            {
                _keys = _keys.Add(e.Key);
                Sender.Tell(List());
            });
        });
        Command<RemoveLimitKey>(r =>
        {
            if (!_keys.Contains(r.Key)) Sender.Tell(List());
            else Persist(new LimitKeyRemoved(r.Key), e =>
            {
                _keys = _keys.Remove(e.Key);
                Sender.Tell(List());
            });
        });
        Command<ListLimitKeys>(_ => Sender.Tell(List()));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new LimitIndex());

    private LimitKeyList List() => new(_keys.ToArray());
}

/// <summary>Every index message goes to the one index entity.</summary>
public sealed class LimitIndexExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message is AddLimitKey or RemoveLimitKey or ListLimitKeys ? "index" : null;

    public object EntityMessage(object message) => message;

    public string ShardId(object message) => EntityId(message) ?? throw new ArgumentException($"{message.GetType()} is not a limit index message");

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}

/// <summary>Key of the limit index's shard region in Akka.Hosting's ActorRegistry.</summary>
public sealed class LimitIndexRegion;
