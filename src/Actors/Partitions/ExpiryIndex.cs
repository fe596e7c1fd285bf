using System.Collections.Immutable;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// Ended jobs a partition still holds or recognises, each with its expiry, earliest first. Immutable;
/// bounded by what the partition remembers (failed jobs, idempotency keys, the recent ids).
/// </summary>
public sealed record ExpiryIndex(ImmutableSortedSet<DueKey> Order, ImmutableDictionary<string, DateTimeOffset> At)
{
    public static readonly ExpiryIndex Empty = new(ImmutableSortedSet<DueKey>.Empty, ImmutableDictionary<string, DateTimeOffset>.Empty.WithComparers(StringComparer.Ordinal));

    public int Count => At.Count;

    public DateTimeOffset? Next => Order.Count == 0 ? null : Order.Min.RunAt;

    public bool Contains(string jobId) => At.ContainsKey(jobId);

    public ExpiryIndex Add(string jobId, DateTimeOffset at)
    {
        var without = Remove(jobId);
        return new(without.Order.Add(new DueKey(at, jobId)), without.At.SetItem(jobId, at));
    }

    public ExpiryIndex Remove(string jobId) =>
        At.TryGetValue(jobId, out var at) ? new(Order.Remove(new DueKey(at, jobId)), At.Remove(jobId)) : this;

    /// <summary>The ids due at <paramref name="now"/>, earliest first, at most <paramref name="max"/>.</summary>
    public IEnumerable<string> Due(DateTimeOffset now, int max) => Order.TakeWhile(k => k.RunAt <= now).Take(max).Select(k => k.JobId);

    public IEnumerable<JobExpiry> Entries => Order.Select(k => new JobExpiry(k.JobId, k.RunAt));

    public static ExpiryIndex From(IEnumerable<JobExpiry> entries)
    {
        var list = entries.ToArray();
        return new(ImmutableSortedSet.CreateRange(list.Select(e => new DueKey(e.At, e.JobId))),
            Empty.At.SetItems(list.Select(e => KeyValuePair.Create(e.JobId, e.At))));
    }
}
