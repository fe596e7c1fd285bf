using System.Collections.Immutable;
using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Limits;

/// <summary>
/// One key's limiter: its limits, the leases out (each with its holder and the LLM tokens taken
/// for it), the holders waiting (first come, first served) and the buckets. Immutable; every
/// change returns the new state and the answers to send. Pure.
/// </summary>
public sealed record LimiterState(
    LimitSpec? Spec,
    ImmutableDictionary<string, LimiterState.Lease> Leases,
    ImmutableQueue<LimiterState.Waiter> Waiting,
    TokenBucket? Rate,
    TokenBucket? Llm,
    DateTimeOffset GrantsFrom,
    long NextLease,
    string Epoch = "")
{
    public sealed record Lease(string Id, IActorRef Holder, int Tokens);

    public sealed record Waiter(IActorRef Holder, long RequestId, int Tokens);

    /// <summary>What to send: a grant or a "not limited" to a holder.</summary>
    public sealed record Answer(IActorRef To, object Message);

    public static readonly LimiterState Empty = new(null, ImmutableDictionary<string, Lease>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableQueue<Waiter>.Empty, null, null, DateTimeOffset.MinValue, 0);

    public LimiterState Define(LimitSpec spec, DateTimeOffset now) => this with
    {
        Spec = spec,
        Rate = spec.RatePerSecond is { } r ? TokenBucket.Full(spec.BurstOrDefault, r, now) : null,
        Llm = spec.TokensPerMinute is { } t ? TokenBucket.Full(t, t / 60.0, now) : null,
    };

    /// <summary>No limits any more: every waiter is told so.</summary>
    public (LimiterState, IReadOnlyList<Answer>) Clear(string key) =>
        (this with { Spec = null, Rate = null, Llm = null, Waiting = ImmutableQueue<Waiter>.Empty },
            Waiting.Select(w => new Answer(w.Holder, new NotLimited(key, w.RequestId))).ToArray());

    /// <summary>A holder asks for a lease; a holder already waiting keeps its place with its newer request (a request asked again is not a second one).</summary>
    public (LimiterState, IReadOnlyList<Answer>) Acquire(string key, Waiter w, DateTimeOffset now)
    {
        if (Spec is null) return (this, [new Answer(w.Holder, new NotLimited(key, w.RequestId))]);
        var waiting = Waiting.Any(x => x.Holder.Equals(w.Holder))
            ? ImmutableQueue.CreateRange(Waiting.Select(x => x.Holder.Equals(w.Holder) ? w : x))
            : Waiting.Enqueue(w);
        var (state, answers) = (this with { Waiting = waiting }).Grant(key, now);
        // not granted at once: the holder learns that the key is limited (a key it took for free is not any more)
        return state.Waiting.Any(x => x.Holder.Equals(w.Holder)) ? (state, [.. answers, new Answer(w.Holder, new LeaseQueued(key, w.RequestId))]) : (state, answers);
    }

    /// <summary>A lease given back; the LLM bucket is settled with what the job really used.</summary>
    public (LimiterState, IReadOnlyList<Answer>) Release(string key, string leaseId, int? tokensUsed, DateTimeOffset now)
    {
        if (!Leases.TryGetValue(leaseId, out var lease)) return (this, []);
        var llm = Llm is { } b && tokensUsed is { } used ? b.Refill(now).Settle(lease.Tokens - used) : Llm;
        return (this with { Leases = Leases.Remove(leaseId), Llm = llm }).Grant(key, now);
    }

    /// <summary>A holder that stopped: its leases are free, its requests forgotten.</summary>
    public (LimiterState, IReadOnlyList<Answer>) HolderStopped(string key, IActorRef holder, DateTimeOffset now) =>
        (this with
        {
            Leases = Leases.RemoveRange(Leases.Values.Where(l => l.Holder.Equals(holder)).Select(l => l.Id).ToArray()),
            Waiting = ImmutableQueue.CreateRange(Waiting.Where(w => !w.Holder.Equals(holder))),
        }).Grant(key, now);

    /// <summary>A holder's leases, re-registered after this limiter restarted: counted as held.</summary>
    public LimiterState Renew(IActorRef holder, IEnumerable<string> leaseIds) =>
        this with { Leases = Leases.SetItems(leaseIds.Where(id => !Leases.ContainsKey(id)).Select(id => KeyValuePair.Create(id, new Lease(id, holder, 0)))) };

    /// <summary>Grants waiters in order while the limits allow; the first that cannot be granted makes the rest wait.</summary>
    public (LimiterState, IReadOnlyList<Answer>) Grant(string key, DateTimeOffset now)
    {
        if (Spec is null || Waiting.IsEmpty || now < GrantsFrom) return (this, []);
        var state = this with { Rate = Rate?.Refill(now), Llm = Llm?.Refill(now) };
        var answers = new List<Answer>();
        while (!state.Waiting.IsEmpty)
        {
            var w = state.Waiting.Peek();
            if (Spec.Concurrency is { } c && state.Leases.Count >= c) break;
            if (state.Rate is { } rate && !rate.Has(1)) break;
            if (state.Llm is { } llm && !llm.Has(w.Tokens)) break;
            var id = $"{key}#{Epoch}-{state.NextLease}";
            state = state with
            {
                Waiting = state.Waiting.Dequeue(),
                Leases = state.Leases.Add(id, new Lease(id, w.Holder, w.Tokens)),
                Rate = state.Rate?.Take(1),
                Llm = state.Llm?.Take(w.Tokens),
                NextLease = state.NextLease + 1,
            };
            answers.Add(new Answer(w.Holder, new LeaseGranted(key, w.RequestId, id)));
        }
        return (state, answers);
    }

    /// <summary>When a waiter blocked by a bucket (not by concurrency, which a release ends) can be granted; null: nothing to wake for.</summary>
    public DateTimeOffset? WakeAt(DateTimeOffset now)
    {
        if (Spec is null || Waiting.IsEmpty) return null;
        if (now < GrantsFrom) return GrantsFrom;
        if (Spec.Concurrency is { } c && Leases.Count >= c) return null;
        var w = Waiting.Peek();
        DateTimeOffset? at = null;
        if (Rate is { } rate && !rate.Has(1)) at = rate.WhenHas(1);
        if (Llm is { } llm && !llm.Has(w.Tokens) && (at is null || llm.WhenHas(w.Tokens) > at)) at = llm.WhenHas(w.Tokens);
        return at;
    }

    public LimitStatus Status(string key) => new(key, Spec, Leases.Count, Waiting.Count(), Rate?.Tokens, Llm?.Tokens);
}
