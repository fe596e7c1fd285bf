using System.Collections.Concurrent;

namespace Jobs.Actors.Supervision;

/// <summary>
/// One shared instance per distinct value for the strings every pending job repeats (type, queue,
/// tenant, batch id): without it each job held its own copies —
/// from its HTTP body, its remoting message or its journal row — about 200 bytes per job in a
/// 100,000-job backlog. Bounded: at <see cref="Capacity"/> distinct values the pool starts over
/// (batch ids keep coming on a long-lived node; sharing only needs the recent ones).
/// </summary>
public static class StringPool
{
    public const int Capacity = 100_000;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static string Share(string value)
    {
        if (Pool.TryGetValue(value, out var shared)) return shared;
        if (Pool.Count >= Capacity) Pool.Clear();
        return Pool.GetOrAdd(value, value);
    }

    public static string? ShareOrNull(string? value) => value is null ? null : Share(value);
}
