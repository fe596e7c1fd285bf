namespace Jobs.Actors.Limits;

/// <summary>
/// A token bucket: holds at most <see cref="Capacity"/> tokens, refilled at <see cref="PerSecond"/>.
/// Tokens may go below zero when a settlement takes more than was estimated (the debt is refilled
/// first). Pure.
/// </summary>
public readonly record struct TokenBucket(double Capacity, double PerSecond, double Tokens, DateTimeOffset At)
{
    public static TokenBucket Full(double capacity, double perSecond, DateTimeOffset now) => new(capacity, perSecond, capacity, now);

    public TokenBucket Refill(DateTimeOffset now) =>
        now <= At ? this : this with { Tokens = Math.Min(Capacity, Tokens + (now - At).TotalSeconds * PerSecond), At = now };

    /// <summary>Whether <paramref name="n"/> tokens can be taken now (a request larger than the bucket may take a full bucket).</summary>
    public bool Has(double n) => Tokens >= Math.Min(n, Capacity);

    public TokenBucket Take(double n) => this with { Tokens = Tokens - n };

    /// <summary>Gives back (or, negative, takes) tokens after the fact, never above the capacity.</summary>
    public TokenBucket Settle(double n) => this with { Tokens = Math.Min(Capacity, Tokens + n) };

    /// <summary>When <paramref name="n"/> tokens will be there (assuming no other take).</summary>
    public DateTimeOffset WhenHas(double n)
    {
        var missing = Math.Min(n, Capacity) - Tokens;
        return missing <= 0 ? At : At + TimeSpan.FromSeconds(missing / PerSecond);
    }
}
