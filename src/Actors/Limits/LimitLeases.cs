using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Limits;

/// <summary>
/// A partition's leases of limit keys (<see cref="Limiter"/>): for each key with pending jobs it
/// keeps one lease in hand, asking the key's limiter when it has none; a job of the key may start
/// only with a lease in hand, which then goes with its attempt until the attempt ends. A key
/// without limits is started freely for <see cref="UnlimitedFor"/>, then asked about again. Leases
/// in hand that no pending job needs are given back. Without a limiter region every key is free.
/// </summary>
public sealed class LimitLeases(IActorRef? limiters, IActorRef self, Func<DateTimeOffset> now)
{
    /// <summary>A request for a lease not answered in this long is asked again (its limiter may have stopped before answering; the limiter keeps one place per holder).</summary>
    public static readonly TimeSpan AskAgainAfter = TimeSpan.FromSeconds(3);

    /// <summary>How long a partition starts the jobs of a key without limits before it asks the key's limiter again (the longest a new limit takes to apply).</summary>
    public static readonly TimeSpan UnlimitedFor = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Stack<string>> _inHand = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Key, string LeaseId)> _inUse = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Id, DateTimeOffset At)> _asked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _unlimitedUntil = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _limiterOf = new(StringComparer.Ordinal);
    private long _nextRequest;

    /// <summary>
    /// Whether a job of <paramref name="key"/> may start now: with a lease in hand, or while the key
    /// is known to have no limits (also after <see cref="UnlimitedFor"/>, until its limiter answers
    /// the question asked again).
    /// </summary>
    public bool MayStart(string key) =>
        limiters is null || (_inHand.TryGetValue(key, out var hand) && hand.Count > 0) || _unlimitedUntil.ContainsKey(key);

    /// <summary>The key has limits as far as this partition knows (its jobs wait for leases).</summary>
    public bool IsLimited(string key) => limiters is not null && !_unlimitedUntil.ContainsKey(key);

    /// <summary>The key's jobs start without asking anyone (no limiters, or the key had no limits within <see cref="UnlimitedFor"/>).</summary>
    public bool IsFree(string key) => limiters is null || (_unlimitedUntil.TryGetValue(key, out var until) && until > now());

    /// <summary>The key needs a lease (or the answer that it has no limits) and no request for one is out, or the last went unanswered for <see cref="AskAgainAfter"/>.</summary>
    public bool ShouldAsk(string key) =>
        limiters is not null && !IsFree(key) && !(_inHand.TryGetValue(key, out var hand) && hand.Count > 0)
        && !(_asked.TryGetValue(key, out var asked) && now() - asked.At < AskAgainAfter);

    /// <summary>Asks the key's limiter for a lease; <paramref name="tokens"/>: the LLM tokens the key's next job is estimated to use.</summary>
    public void Ask(string key, int tokens)
    {
        var id = ++_nextRequest;
        _asked[key] = (id, now());
        limiters?.Tell(new AcquireLease(key, id, tokens), self);
    }

    /// <summary>Gives back the leases in hand of every key not among <paramref name="pending"/> (the keys with pending jobs).</summary>
    public void KeepOnly(IReadOnlySet<string>? pending)
    {
        if (limiters is null) return;
        foreach (var (key, hand) in _inHand)
        {
            if (pending?.Contains(key) == true) continue;
            while (hand.Count > 0) limiters.Tell(new ReleaseLease(key, hand.Pop(), 0), self);
        }
    }

    /// <summary>A lease arrived from <paramref name="limiter"/>: in hand (one answering a request no longer out goes back).</summary>
    public void Granted(LeaseGranted g, IActorRef limiter)
    {
        if (!_asked.TryGetValue(g.Key, out var asked) || asked.Id != g.RequestId)
        {
            limiters?.Tell(new ReleaseLease(g.Key, g.LeaseId, 0), self);
            return;
        }
        _asked.Remove(g.Key);
        if (!_inHand.TryGetValue(g.Key, out var hand)) _inHand[g.Key] = hand = new Stack<string>();
        hand.Push(g.LeaseId);
        _limiterOf[g.Key] = limiter;
        _unlimitedUntil.Remove(g.Key); // the key has limits now
    }

    /// <summary>The key has limits and the request waits: its jobs stop starting without a lease.</summary>
    public void Queued(LeaseQueued q)
    {
        if (_asked.TryGetValue(q.Key, out var asked) && asked.Id == q.RequestId) _unlimitedUntil.Remove(q.Key);
    }

    /// <summary>The key has no limits: its jobs start freely for <see cref="UnlimitedFor"/>.</summary>
    public void NotLimited(NotLimited n)
    {
        if (_asked.TryGetValue(n.Key, out var asked) && asked.Id == n.RequestId) _asked.Remove(n.Key);
        _unlimitedUntil[n.Key] = now() + UnlimitedFor;
    }

    /// <summary>A job of <paramref name="key"/> is starting: a lease in hand goes with it (none when the key is free).</summary>
    public void Use(string? key, string jobId)
    {
        if (key is null || !_inHand.TryGetValue(key, out var hand) || hand.Count == 0) return;
        _inUse[jobId] = (key, hand.Pop());
    }

    /// <summary>The job's attempt ended: its lease goes back, with the LLM tokens it used.</summary>
    public void Ended(string jobId, int? tokensUsed)
    {
        if (_inUse.Remove(jobId, out var lease)) limiters?.Tell(new ReleaseLease(lease.Key, lease.LeaseId, tokensUsed), self);
    }

    /// <summary>A limiter stopped: the leases it granted are re-registered with its next incarnation, and pending requests asked again.</summary>
    public void LimiterStopped(IActorRef limiter)
    {
        foreach (var key in _limiterOf.Where(kv => kv.Value.Equals(limiter)).Select(kv => kv.Key).ToArray())
        {
            _limiterOf.Remove(key);
            var ids = _inUse.Values.Where(l => l.Key == key).Select(l => l.LeaseId)
                .Concat(_inHand.TryGetValue(key, out var hand) ? hand : []).ToArray();
            if (ids.Length > 0) limiters?.Tell(new RenewLeases(key, ids), self);
            _asked.Remove(key);
        }
    }

    public bool IsLimiter(IActorRef actor) => _limiterOf.ContainsValue(actor);

    /// <summary>Whether a request is out (the partition checks again every <see cref="AskAgainAfter"/> while one is).</summary>
    public bool Asking => _asked.Count > 0;
}
