using Akka.Actor;
using Akka.Cluster.Sharding;
using Jobs.Messages;

namespace Jobs.Actors.Dedupe;

/// <summary>
/// One content hash's result, cluster-sharded (region <see cref="RegionName"/>), in memory: a
/// cache, so losing it to a node failure only means the next identical job runs again.
/// <list type="bullet">
/// <item>A claim while a result younger than the TTL exists: <see cref="ResultHit"/>.</item>
/// <item>A claim while nobody runs it: <see cref="ResultClaimed"/> — that runner runs it.</item>
/// <item>A claim while another runs it: held, answered when that run reports (hit, or the next
/// claimant runs it if the run was abandoned) or when its lease ran out (it died).</item>
/// </list>
/// Stops itself when idle for the TTL.
/// </summary>
public sealed class ResultCache : ReceiveActor, IWithTimers
{
    public const string RegionName = "results";

    /// <summary>How often a claim's lease is checked: a runner that died is noticed within this after its lease ends.</summary>
    public static readonly TimeSpan LeaseCheckInterval = TimeSpan.FromSeconds(1);

    private sealed record LeaseCheck;

    private readonly TimeSpan _ttl;
    private (string JobId, string? Result, DateTimeOffset At)? _result;
    private (string JobId, IActorRef Runner, DateTimeOffset Until)? _running;
    private readonly Queue<(ClaimResult Claim, IActorRef Runner)> _waiting = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public ResultCache(TimeSpan ttl)
    {
        _ttl = ttl;
        Receive<ClaimResult>(c => Claim(c, Sender));
        Receive<ResultReady>(r =>
        {
            if (_running?.JobId != r.JobId && _result is not null) return;
            _running = null;
            _result = (r.JobId, r.ResultJson, DateTimeOffset.UtcNow);
            while (_waiting.TryDequeue(out var w)) w.Runner.Tell(new ResultHit(r.Hash, r.JobId, r.ResultJson));
        });
        Receive<ResultAbandoned>(a =>
        {
            if (_running?.JobId != a.JobId) return;
            _running = null;
            NextClaimant();
        });
        Receive<LeaseCheck>(_ =>
        {
            if (_running is { } r && r.Until <= DateTimeOffset.UtcNow)
            {
                _running = null; // the runner died or is stuck: the next claimant runs it
                NextClaimant();
            }
        });
        Receive<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        Context.SetReceiveTimeout(ttl);
        Timers.StartPeriodicTimer("lease", new LeaseCheck(), LeaseCheckInterval);
    }

    public static Props Props(TimeSpan ttl) => Akka.Actor.Props.Create(() => new ResultCache(ttl));

    private void Claim(ClaimResult c, IActorRef runner)
    {
        if (_result is { } r && DateTimeOffset.UtcNow - r.At <= _ttl)
        {
            runner.Tell(new ResultHit(c.Hash, r.JobId, r.Result));
            return;
        }
        if (_running is { } busy && busy.JobId != c.JobId)
        {
            _waiting.Enqueue((c, runner));
            return;
        }
        _running = (c.JobId, runner, DateTimeOffset.UtcNow + c.Lease);
        runner.Tell(new ResultClaimed(c.Hash));
    }

    private void NextClaimant()
    {
        if (_waiting.TryDequeue(out var next)) Claim(next.Claim, next.Runner);
    }
}

/// <summary>Routes by content hash: entity = hash, 64 shards.</summary>
public sealed class ResultCacheExtractor : HashCodeMessageExtractor
{
    /// <summary>Shards of the result region: about ten per node of the largest cluster expected, never changed.</summary>
    public const int Shards = 64;

    public ResultCacheExtractor() : base(Shards) { }

    public override string? EntityId(object message) => (message as IWithContentHash)?.Hash;
}
