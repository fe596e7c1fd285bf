using Akka.Actor;
using Akka.Event;

namespace Jobs.Actors.Capacity;

/// <summary>A partition's head of queue, told to the node's gate whenever it changes.</summary>
public sealed record Demand(int PartitionId, bool HasWork, int HeadPriority, long HeadTicks);

/// <summary>Gate → partition: you may start one attempt. Answer with a new <see cref="Demand"/>, and a <see cref="SlotReleased"/> if unused.</summary>
public sealed record SlotGranted
{
    public static readonly SlotGranted Instance = new();
}

/// <summary>Partition → gate: an attempt ended (or a grant went unused).</summary>
public sealed record SlotReleased
{
    public static readonly SlotReleased Instance = new();
}

public sealed record GetCapacity
{
    public static readonly GetCapacity Instance = new();
}

public sealed record CapacityStatus(int Capacity, int InUse, int PartitionsWaiting)
{
    public bool Degraded { get; init; }
    public long MemoryBytes { get; init; }
    public long MemoryHighBytes { get; init; }
    public long MemoryLowBytes { get; init; }
}

/// <summary>Changes the node's memory watermarks at run time (0: guard off); answered with <see cref="CapacityStatus"/>.</summary>
public sealed record SetMemoryWatermark(long HighBytes, long? LowBytes);

/// <summary>Graceful leave: start no more attempts on this node; answered with <see cref="NodeDrained"/> once none runs.</summary>
public sealed record DrainNode
{
    public static readonly DrainNode Instance = new();
}

public sealed record NodeDrained
{
    public static readonly NodeDrained Instance = new();
}

/// <summary>
/// One per node. At most <c>capacity</c> attempts run at once on the node; a free slot goes to
/// the partition whose head job has the highest priority (then the earliest acceptance), so
/// priority holds across all partitions the node hosts. Slots of a partition that stops are
/// reclaimed through DeathWatch. Above the memory high-watermark (<see cref="MemoryGuard"/>) no
/// slot is granted — jobs wait in their partitions — until memory is under the low-watermark.
/// </summary>
public sealed class NodeCapacity : ReceiveActor, IWithTimers
{
    private sealed record SampleMemory
    {
        public static readonly SampleMemory Instance = new();
    }

    private sealed class Entry(IActorRef partition)
    {
        public IActorRef Partition { get; } = partition;
        public Demand? Demand { get; set; }
        public bool AwaitingAnswer { get; set; }
        public int Held { get; set; }
    }

    private readonly Dictionary<IActorRef, Entry> _entries = new();
    private readonly int _capacity;
    private readonly List<IActorRef> _drainWaiters = [];
    private readonly Func<long> _memoryInUse;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private MemoryGuard _guard;
    private long _memoryBytes;
    private bool _draining;
    private int _inUse;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Running attempts on this node (for metrics and stats; written by the gate only).</summary>
    public static int Running => Volatile.Read(ref _running);
    private static int _running;

    /// <summary>Whether the memory guard holds new attempts back on this node.</summary>
    public static bool Degraded => Volatile.Read(ref _degraded) == 1;
    private static int _degraded;

    public NodeCapacity(int capacity, MemoryGuard? guard = null, Func<long>? memoryInUse = null, TimeSpan? sampleEvery = null)
    {
        _capacity = capacity;
        _guard = guard ?? MemoryGuard.Off;
        _memoryInUse = memoryInUse ?? (() => Environment.WorkingSet);
        Timers.StartPeriodicTimer("memory", SampleMemory.Instance, sampleEvery ?? TimeSpan.FromSeconds(1));
        Receive<SampleMemory>(_ => Sample());
        Receive<SetMemoryWatermark>(w =>
        {
            _guard = _guard.WithWatermarks(w.HighBytes, w.LowBytes);
            Sample();
            Sender.Tell(Status());
        });
        Receive<Demand>(d =>
        {
            var e = EntryFor(Sender);
            e.Demand = d;
            e.AwaitingAnswer = false;
            Grant();
        });
        Receive<SlotReleased>(_ =>
        {
            if (_entries.TryGetValue(Sender, out var e) && e.Held > 0)
            {
                e.Held--;
                _inUse--;
            }
            Grant();
        });
        Receive<Terminated>(t =>
        {
            if (!_entries.Remove(t.ActorRef, out var e)) return;
            _inUse -= e.Held;
            Grant();
        });
        Receive<DrainNode>(_ =>
        {
            _draining = true;
            _drainWaiters.Add(Sender);
            Grant();
        });
        Receive<GetCapacity>(_ => Sender.Tell(Status()));
    }

    public static Props Props(int capacity, MemoryGuard? guard = null, Func<long>? memoryInUse = null, TimeSpan? sampleEvery = null) =>
        Akka.Actor.Props.Create(() => new NodeCapacity(capacity, guard, memoryInUse, sampleEvery));

    protected override void PreStart() => Sample(); // no window after start in which a full node still grants

    protected override void PostStop()
    {
        Volatile.Write(ref _running, 0);
        Volatile.Write(ref _degraded, 0);
    }

    private CapacityStatus Status() => new(_capacity, _inUse, _entries.Values.Count(e => e.Demand is { HasWork: true }))
    {
        Degraded = _guard.Degraded,
        MemoryBytes = _memoryBytes,
        MemoryHighBytes = _guard.HighBytes,
        MemoryLowBytes = _guard.LowBytes,
    };

    private void Sample()
    {
        _memoryBytes = _memoryInUse();
        var was = _guard.Degraded;
        _guard = _guard.Observe(_memoryBytes);
        Volatile.Write(ref _degraded, _guard.Degraded ? 1 : 0);
        if (_guard.Degraded == was) return;
        if (_guard.Degraded)
            _log.Warning("memory {0} MiB is above the high-watermark {1} MiB: starting no new jobs (they wait) until under {2} MiB",
                _memoryBytes >> 20, _guard.HighBytes >> 20, _guard.LowBytes >> 20);
        else
        {
            _log.Info("memory {0} MiB is under the low-watermark {1} MiB: starting jobs again", _memoryBytes >> 20, _guard.LowBytes >> 20);
            Grant();
        }
    }

    private Entry EntryFor(IActorRef partition)
    {
        if (_entries.TryGetValue(partition, out var e)) return e;
        Context.Watch(partition);
        return _entries[partition] = new Entry(partition);
    }

    private void Grant()
    {
        Volatile.Write(ref _running, _inUse);
        if (_draining)
        {
            if (_inUse > 0) return;
            foreach (var w in _drainWaiters) w.Tell(NodeDrained.Instance);
            _drainWaiters.Clear();
            return;
        }
        if (_guard.Degraded) return;
        while (_inUse < _capacity)
        {
            Entry? best = null;
            foreach (var e in _entries.Values)
            {
                if (e.AwaitingAnswer || e.Demand is not { HasWork: true } d) continue;
                if (best is null || Better(d, best.Demand!)) best = e;
            }
            if (best is null) return;
            best.AwaitingAnswer = true;
            best.Held++;
            _inUse++;
            best.Partition.Tell(SlotGranted.Instance);
        }
        Volatile.Write(ref _running, _inUse);
    }

    private static bool Better(Demand a, Demand b) =>
        a.HeadPriority != b.HeadPriority ? a.HeadPriority > b.HeadPriority
        : a.HeadTicks != b.HeadTicks ? a.HeadTicks < b.HeadTicks
        : a.PartitionId < b.PartitionId;
}
