using Akka.Actor;
using Akka.Event;

namespace Jobs.Actors.Placement;

/// <summary>
/// One per node. At most <c>capacity</c> attempts run at once on the node; a free slot goes to
/// the head <see cref="FairShare.Pick"/> chooses among every partition's tenant heads (the tenant
/// furthest below its share, then priority, then acceptance), so priority holds across all
/// partitions the node hosts and no tenant starves another. Partitions of a paused queue
/// (<see cref="PausedQueues"/>) get no slot. Slots of a partition that stops are reclaimed through
/// DeathWatch. Above the memory high-watermark (<see cref="MemoryGuard"/>) no slot is granted —
/// jobs wait in their partitions — until memory is under the low-watermark.
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
        public Dictionary<string, int> Held { get; } = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<IActorRef, Entry> _entries = new();
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly List<(int PartitionId, TenantHead Head)> _candidates = [];
    private readonly List<Entry> _candidateEntries = [];
    private readonly FairShare _fairShare;
    private PausedQueues? _paused;
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
    /// <param name="fairShare">how slots divide between tenants (null: by priority alone).</param>
    /// <param name="awaitSwitches">grant nothing until the first <see cref="PausedQueues"/> arrives (a node must not start a paused queue's jobs before it knows).</param>
    public NodeCapacity(int capacity, MemoryGuard? guard = null, Func<long>? memoryInUse = null, TimeSpan? sampleEvery = null, Action<int, bool>? report = null,
        FairShare? fairShare = null, bool awaitSwitches = false)
    {
        _capacity = capacity;
        _fairShare = fairShare ?? FairShare.Off;
        if (!awaitSwitches) _paused = new PausedQueues(new HashSet<string>(), 0);
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
        Receive<SlotReleased>(r =>
        {
            if (_entries.TryGetValue(Sender, out var e) && e.Held.TryGetValue(r.Tenant, out var held))
                Release(e, r.Tenant, held, 1);
            Grant();
        });
        Receive<Terminated>(t =>
        {
            if (!_entries.Remove(t.ActorRef, out var e)) return;
            foreach (var (tenant, held) in e.Held.ToArray()) Release(e, tenant, held, held);
            Grant();
        });
        Receive<PausedQueues>(p =>
        {
            if (_paused is not null && p.Version < _paused.Version) return;
            if (_paused is null || !_paused.Queues.SetEquals(p.Queues))
                _log.Info("paused queues: {0}", p.Queues.Count == 0 ? "none" : string.Join(", ", p.Queues.Order(StringComparer.Ordinal)));
            _paused = p;
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
        Akka.Actor.Props.Create(() => new NodeCapacity(capacity, guard, memoryInUse, sampleEvery, report, null, false));

    public static Props Props(int capacity, MemoryGuard guard, Action<int, bool> report, FairShare fairShare, bool awaitSwitches) =>
        Akka.Actor.Props.Create(() => new NodeCapacity(capacity, guard, null, null, report, fairShare, awaitSwitches));

    protected override void PreStart() => Sample(); // no window after start in which a full node still grants

    protected override void PostStop() => _report(0, false);

    private CapacityStatus Status() => new(_capacity, _inUse, _entries.Values.Count(e => e.Demand is { HasWork: true }))
    {
        Degraded = _guard.Degraded,
        MemoryBytes = _memoryBytes,
        MemoryHighBytes = _guard.HighBytes,
        MemoryLowBytes = _guard.LowBytes,
        RunningByTenant = new Dictionary<string, int>(_running, StringComparer.Ordinal),
        Paused = _paused?.Queues,
        RunningByQueue = _entries.Values.Where(e => e.Demand is not null && e.Held.Count > 0)
            .GroupBy(e => e.Demand!.Queue, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Held.Values.Sum()), StringComparer.Ordinal),
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
        if (_guard.Degraded || _paused is null) return;
        while (_inUse < _capacity)
        {
            _candidates.Clear();
            _candidateEntries.Clear();
            foreach (var e in _entries.Values)
            {
                if (e.AwaitingAnswer || e.Demand is not { HasWork: true } d || _paused.Queues.Contains(d.Queue)) continue;
                foreach (var head in d.Heads)
                {
                    _candidates.Add((d.PartitionId, head));
                    _candidateEntries.Add(e);
                }
            }
            var pick = _fairShare.Pick(_candidates, _running);
            if (pick < 0) break;
            var best = _candidateEntries[pick];
            var tenant = _candidates[pick].Head.Tenant;
            best.AwaitingAnswer = true;
            best.Held[tenant] = best.Held.GetValueOrDefault(tenant) + 1;
            _running[tenant] = _running.GetValueOrDefault(tenant) + 1;
            _inUse++;
            best.Partition.Tell(new SlotGranted(tenant));
        }
        _candidates.Clear();
        _candidateEntries.Clear();
        _report(_inUse, _guard.Degraded);
    }

    private void Release(Entry e, string tenant, int held, int count)
    {
        if (held <= count) e.Held.Remove(tenant);
        else e.Held[tenant] = held - count;
        var running = _running.GetValueOrDefault(tenant) - count;
        if (running <= 0) _running.Remove(tenant);
        else _running[tenant] = running;
        _inUse -= count;
    }
}
