namespace Jobs.Messages;

// Limits per key: a concurrency, a rate and an LLM token budget held cluster-wide by one sharded
// limiter entity per key. Cross the network: each has a manifest.

/// <summary>A key's limits; null: that dimension is unlimited.</summary>
/// <param name="Burst">tokens the rate bucket holds at most (default: the rate rounded up, at least 1).</param>
public sealed record LimitSpec(int? Concurrency, double? RatePerSecond, int? Burst, int? TokensPerMinute)
{
    public int BurstOrDefault => Burst ?? Math.Max(1, (int)Math.Ceiling(RatePerSecond ?? 1));
}

public static class LimitKeys
{
    public const int MaxLength = 64;

    /// <summary>A limit key: 1..64 of letters, digits and <c>_ . : -</c> (it names the limiter's journal).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> QueueKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// The limit key of a queue (<c>queue:&lt;name&gt;</c>), one string per queue: a job without a
    /// <c>limitKey</c> is governed by its queue's limits (<c>PUT /api/queues/{queue}/limits</c>).
    /// </summary>
    public static string OfQueue(string queue) => QueueKeys.GetOrAdd(queue, q => "queue:" + q);

    /// <summary>The limit key governing a job: its own, else its queue's.</summary>
    public static string Of(JobSpec spec) => spec.LimitKey ?? OfQueue(spec.Queue);

    public static bool IsValid(string? key) =>
        key is { Length: > 0 and <= MaxLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-');
}

/// <summary>Routed by sharding to the key's limiter.</summary>
public interface IWithLimitKey : IJobsMessage
{
    string Key { get; }
}

/// <summary>Defines or replaces the key's limits; answered with <see cref="LimitStatus"/>.</summary>
public sealed record SetLimit(string Key, LimitSpec Spec) : IWithLimitKey;

/// <summary>Removes the key's limits (its jobs start freely); answered with <see cref="LimitStatus"/>.</summary>
public sealed record ClearLimit(string Key) : IWithLimitKey;

/// <summary>Answered with <see cref="LimitStatus"/>.</summary>
public sealed record GetLimit(string Key) : IWithLimitKey;

/// <summary>The key's limits (null: none), the leases held, the holders waiting and the tokens in the buckets now.</summary>
public sealed record LimitStatus(string Key, LimitSpec? Spec, int Held, int Waiting, double? RateTokens, double? LlmTokens) : IJobsMessage;

/// <summary>A partition asks for one lease of the key; <see cref="Tokens"/>: the LLM tokens its next job is estimated to use.</summary>
public sealed record AcquireLease(string Key, long RequestId, int Tokens) : IWithLimitKey;

/// <summary>One lease of the key; returned with <see cref="ReleaseLease"/>.</summary>
public sealed record LeaseGranted(string Key, long RequestId, string LeaseId) : IJobsMessage;

/// <summary>The key has limits and the request waits for a lease (its jobs no longer start without one).</summary>
public sealed record LeaseQueued(string Key, long RequestId) : IJobsMessage;

/// <summary>The key has no limits: its jobs start without a lease.</summary>
public sealed record NotLimited(string Key, long RequestId) : IJobsMessage;

/// <summary>A lease given back; <see cref="TokensUsed"/>: the LLM tokens its job really used (null: the estimate stands).</summary>
public sealed record ReleaseLease(string Key, string LeaseId, int? TokensUsed) : IWithLimitKey;

/// <summary>A holder's leases of the key, re-registered with a limiter that restarted.</summary>
public sealed record RenewLeases(string Key, IReadOnlyList<string> LeaseIds) : IWithLimitKey;

/// <summary>Journaled by the key's limiter.</summary>
public sealed record LimitDefined(string Key, LimitSpec Spec, DateTimeOffset At) : IJobsMessage;

/// <summary>Journaled by the key's limiter.</summary>
public sealed record LimitCleared(string Key, DateTimeOffset At) : IJobsMessage;

/// <summary>To the limit index: remember the key (answered with <see cref="LimitKeyList"/>; refused with <see cref="LimitIndexFull"/> at the cap).</summary>
public sealed record AddLimitKey(string Key) : IJobsMessage;

/// <summary>To the limit index: forget the key; answered with <see cref="LimitKeyList"/>.</summary>
public sealed record RemoveLimitKey(string Key) : IJobsMessage;

/// <summary>To the limit index; answered with <see cref="LimitKeyList"/>.</summary>
public sealed record ListLimitKeys : IJobsMessage
{
    public static readonly ListLimitKeys Instance = new();
}

public sealed record LimitKeyList(IReadOnlyList<string> Keys) : IJobsMessage;

public sealed record LimitIndexFull(int Max) : IJobsMessage;

/// <summary>Journaled by the limit index.</summary>
public sealed record LimitKeyAdded(string Key) : IJobsMessage;

/// <summary>Journaled by the limit index.</summary>
public sealed record LimitKeyRemoved(string Key) : IJobsMessage;
