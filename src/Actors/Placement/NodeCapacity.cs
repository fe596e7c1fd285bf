using Akka.Actor;
using Akka.Event;

namespace Jobs.Actors.Placement;

/// <summary>
/// One per node. At most <c>capacity</c> attempts run at once on the node; a free slot goes to
/// the partition whose head job has the highest priority (then the earliest acceptance), so
/// priority holds across all partitions the node hosts. Slots of a partition that stops are
/// reclaimed through DeathWatch. Above the memory high-watermark (<see cref="MemoryGuard"/>) no
/// slot is granted — jobs wait in their partitions — until memory is under the low-watermark.
/// </summary>
public sealed class NodeCapacity : ReceiveActor, IWithTimers
{
    /// <summary>How often the gate samples the process's memory for the guard.</summary>
    public static readonly TimeSpan MemorySampleInterval = TimeSpan.FromSeconds(1);

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
    private readonly Action<int, bool> _report;
    private MemoryGuard _guard;
    private long _memoryBytes;
    private bool _draining;
    private int _inUse;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="report">told the running attempts and whether the guard holds attempts back, whenever either may have changed (metrics).</param>
    public NodeCapacity(int capacity, MemoryGuard? guard = null, Func<long>? memoryInUse = null, TimeSpan? sampleEvery = null, Action<int, bool>? report = null)
    {
        _capacity = capacity;
        _report = report ?? ((_, _) => { });
        _guard = guard ?? MemoryGuard.Off;
        _memoryInUse = memoryInUse ?? (() => Environment.WorkingSet);
        Timers.StartPeriodicTimer("memory", SampleMemory.Instance, sampleEvery ?? MemorySampleInterval);
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

    public static Props Props(int capacity, MemoryGuard? guard = null, Func<long>? memoryInUse = null, TimeSpan? sampleEvery = null,
        Action<int, bool>? report = null) =>
        Akka.Actor.Props.Create(() => new NodeCapacity(capacity, guard, memoryInUse, sampleEvery, report));

    protected override void PreStart() => Sample(); // no window after start in which a full node still grants

    protected override void PostStop() => _report(0, false);

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
        _report(_inUse, _guard.Degraded);
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
        _report(_inUse, _guard.Degraded);
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
        _report(_inUse, _guard.Degraded);
    }

    private static bool Better(Demand a, Demand b) =>
        a.HeadPriority != b.HeadPriority ? a.HeadPriority > b.HeadPriority
        : a.HeadTicks != b.HeadTicks ? a.HeadTicks < b.HeadTicks
        : a.PartitionId < b.PartitionId;
}
