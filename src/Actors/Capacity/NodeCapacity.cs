using Akka.Actor;

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

public sealed record CapacityStatus(int Capacity, int InUse, int PartitionsWaiting);

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
/// reclaimed through DeathWatch.
/// </summary>
public sealed class NodeCapacity : ReceiveActor
{
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
    private bool _draining;
    private int _inUse;

    public NodeCapacity(int capacity)
    {
        _capacity = capacity;
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
        Receive<GetCapacity>(_ => Sender.Tell(new CapacityStatus(_capacity, _inUse,
            _entries.Values.Count(e => e.Demand is { HasWork: true }))));
    }

    public static Props Props(int capacity) => Akka.Actor.Props.Create(() => new NodeCapacity(capacity));

    private Entry EntryFor(IActorRef partition)
    {
        if (_entries.TryGetValue(partition, out var e)) return e;
        Context.Watch(partition);
        return _entries[partition] = new Entry(partition);
    }

    private void Grant()
    {
        if (_draining)
        {
            if (_inUse > 0) return;
            foreach (var w in _drainWaiters) w.Tell(NodeDrained.Instance);
            _drainWaiters.Clear();
            return;
        }
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
    }

    private static bool Better(Demand a, Demand b) =>
        a.HeadPriority != b.HeadPriority ? a.HeadPriority > b.HeadPriority
        : a.HeadTicks != b.HeadTicks ? a.HeadTicks < b.HeadTicks
        : a.PartitionId < b.PartitionId;
}
