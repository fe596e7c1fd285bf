using System.Collections.Concurrent;
using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// One shared instance per distinct value for the strings every pending job repeats (type, queue,
/// tenant, batch id): without it each job holds its own copies — from its HTTP body, its remoting
/// message or its journal row — about 200 bytes per job in a 100,000-job backlog. Bounded: at
/// <see cref="Capacity"/> distinct values the pool starts over (batch ids keep coming on a
/// long-lived node; sharing only needs the recent ones). One per ActorSystem (<see cref="Get"/>).
/// </summary>
public sealed class StringPool : IExtension
{
    public const int Capacity = 100_000;
    private readonly ConcurrentDictionary<string, string> _pool = new(StringComparer.Ordinal);

    public static StringPool Get(ActorSystem system) => system.WithExtension<StringPool, Provider>();

    public string Share(string value)
    {
        if (_pool.TryGetValue(value, out var shared)) return shared;
        if (_pool.Count >= Capacity) _pool.Clear();
        return _pool.GetOrAdd(value, value);
    }

    public string? ShareOrNull(string? value) => value is null ? null : Share(value);

    /// <summary>The acceptance with its repeated strings shared: what a partition keeps of it lives as long as the job.</summary>
    public IJobEvent Share(IJobEvent e) => e is JobAccepted a
        ? a with
        {
            Spec = a.Spec with { Type = Share(a.Spec.Type), Queue = Share(a.Spec.Queue), Tenant = Share(a.Spec.Tenant) },
            BatchId = ShareOrNull(a.BatchId),
        }
        : e;

    private sealed class Provider : ExtensionIdProvider<StringPool>
    {
        public override StringPool CreateExtension(ExtendedActorSystem system) => new();
    }
}
