using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>When a partition forgets its ended jobs (docs/architecture.md, "Retention"). Pure.</summary>
public static class RetentionRules
{
    /// <summary>The longest retention a job may ask for (<c>retention</c>): a tenant cannot keep rows for ever.</summary>
    public static readonly TimeSpan MaxJobRetention = TimeSpan.FromDays(90);

    /// <summary>
    /// After a sweep, ended jobs the partition no longer recognises that expire later are swept at
    /// most this much after their expiry (readers already treat them as gone at their expiry).
    /// </summary>
    public static readonly TimeSpan SweepGap = TimeSpan.FromMinutes(1);

    /// <summary>Ids in one <see cref="JobsExpired"/>; more due ones go in the next, at once.</summary>
    public const int MaxIdsPerEvent = 1000;

    /// <summary>The sweep due at <paramref name="now"/>, or null if nothing has expired.</summary>
    public static JobsExpired? Expire(PartitionState state, DateTimeOffset now) =>
        state.NextExpiry is { } next && next <= now
            ? new JobsExpired(state.Expiring.Due(now, MaxIdsPerEvent).ToArray(), now)
            : null;
}
