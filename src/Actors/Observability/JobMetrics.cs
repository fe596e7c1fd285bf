using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>
/// One engine's instruments (a <see cref="Meter"/> named <see cref="MeterName"/>), recorded by the
/// partitions as their events become durable, plus the node totals the stats heartbeat reports —
/// both fed by the same <see cref="Record"/>, so /metrics and /api/nodes agree. One per ActorSystem
/// (<see cref="Get"/>): two engines in one process (tests) count apart.
/// </summary>
public sealed class JobMetrics : IExtension, IDisposable
{
    public const string MeterName = "Jobs";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _submitted, _started, _completed, _failed, _retried, _deadLettered, _heapTrims;
    private readonly Histogram<double> _duration, _pickup, _journalWrite;
    private readonly ConcurrentDictionary<int, (string Queue, int Pending)> _depths = new();
    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<string, int>> _limitWaiting = new();
    private Func<IEnumerable<Measurement<int>>> _members = () => [];
    private readonly PickupWindow _pickups = new();
    private long _totalSubmitted, _totalCompleted, _totalFailed, _totalRetried, _totalDeadLettered;
    private int _running, _degraded;

    private JobMetrics()
    {
        _submitted = _meter.CreateCounter<long>("jobs.submitted", description: "jobs accepted (journaled)");
        _started = _meter.CreateCounter<long>("jobs.started", description: "attempts started");
        _completed = _meter.CreateCounter<long>("jobs.completed", description: "jobs completed");
        _failed = _meter.CreateCounter<long>("jobs.failed", description: "attempts that failed (each may be retried)");
        _retried = _meter.CreateCounter<long>("jobs.retried", description: "retries scheduled");
        _deadLettered = _meter.CreateCounter<long>("jobs.dead_lettered", description: "jobs that ended failed (in the DLQ)");
        _heapTrims = _meter.CreateCounter<long>("jobs.heap_trims", description: "aggressive collections run after a burst, once the node was quiet");
        _duration = _meter.CreateHistogram<double>("jobs.duration", "s", "run time of completed attempts");
        _pickup = _meter.CreateHistogram<double>("jobs.pickup_latency", "s", "accepted (or due) → attempt started");
        _journalWrite = _meter.CreateHistogram<double>("jobs.journal.write_latency", "s", "a partition's journal write, call → confirmation");
        _meter.CreateObservableGauge("jobs.queue.depth", () => _depths.Values.GroupBy(d => d.Queue)
            .Select(g => new Measurement<int>(g.Sum(d => d.Pending), new KeyValuePair<string, object?>("queue", g.Key))),
            description: "pending jobs in the partitions this node hosts, per queue");
        _meter.CreateObservableGauge("jobs.limit.waiting", () => _limitWaiting.Values.SelectMany(w => w).GroupBy(w => w.Key)
            .Select(g => new Measurement<int>(g.Sum(w => w.Value), new KeyValuePair<string, object?>("key", g.Key))),
            description: "pending jobs of each limit key in the partitions this node hosts (they wait for a lease of the key)");
        _meter.CreateObservableGauge("jobs.running", () => Volatile.Read(ref _running), description: "attempts running on this node");
        _meter.CreateObservableGauge("jobs.node.degraded", () => Volatile.Read(ref _degraded), description: "1 while the memory guard holds new attempts back");
        _meter.CreateObservableGauge("jobs.cluster.members", () => _members(), description: "cluster members by status, as this node sees them");
    }

    public static JobMetrics Get(ActorSystem system) => system.WithExtension<JobMetrics, Provider>();

    /// <summary>When this engine started (its uptime in the stats heartbeat).</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public long TotalSubmitted => Interlocked.Read(ref _totalSubmitted);
    /// <summary>Jobs that reached an end on this node's partitions: completed or dead-lettered.</summary>
    public long TotalProcessed => Interlocked.Read(ref _totalCompleted) + Interlocked.Read(ref _totalDeadLettered);
    public long TotalFailed => Interlocked.Read(ref _totalFailed);
    public long TotalRetried => Interlocked.Read(ref _totalRetried);
    public long TotalDeadLettered => Interlocked.Read(ref _totalDeadLettered);

    /// <summary>Where the member-count gauge reads from (set by the hosting once the cluster exists).</summary>
    public void ObserveMembers(Func<IEnumerable<Measurement<int>>> members) => _members = members;

    /// <summary>The node gate's running attempts and memory guard (told by the gate whenever they may change).</summary>
    public void SetCapacity(int running, bool degraded)
    {
        Volatile.Write(ref _running, running);
        Volatile.Write(ref _degraded, degraded ? 1 : 0);
    }

    /// <summary>A durable event of a job: <paramref name="before"/> is the job's record before it (null for an acceptance).</summary>
    public void Record(IJobEvent e, JobRecord? before, JobRecord after)
    {
        var tags = new TagList { { "type", after.Spec.Type }, { "queue", after.Spec.Queue } };
        switch (e)
        {
            case JobAccepted:
                Interlocked.Increment(ref _totalSubmitted);
                _submitted.Add(1, tags);
                break;
            case JobAttemptStarted s:
                _started.Add(1, tags);
                if (before is not null)
                {
                    var due = before.RunAt is { } r && r > before.CreatedAt ? r : before.CreatedAt;
                    var pickup = Math.Max(0, (s.At - due).TotalSeconds);
                    _pickup.Record(pickup, tags);
                    _pickups.Add(pickup * 1000);
                }
                break;
            case JobCompleted c:
                Interlocked.Increment(ref _totalCompleted);
                _completed.Add(1, tags);
                if (before?.StartedAt is { } started) _duration.Record(Math.Max(0, (c.At - started).TotalSeconds), tags);
                break;
            case JobAttemptFailed:
                Interlocked.Increment(ref _totalFailed);
                _failed.Add(1, tags);
                break;
            case JobRetryScheduled:
                Interlocked.Increment(ref _totalRetried);
                _retried.Add(1, tags);
                break;
            case JobDeadLettered:
                Interlocked.Increment(ref _totalDeadLettered);
                _deadLettered.Add(1, tags);
                break;
        }
    }

    public void RecordJournalWrite(TimeSpan elapsed) => _journalWrite.Record(elapsed.TotalSeconds);

    /// <summary>A partition's pending count (called when it changes); <see cref="ForgetPartition"/> when it stops.</summary>
    public void SetDepth(int partitionId, string queue, int pending) => _depths[partitionId] = (queue, pending);

    public void ForgetPartition(int partitionId)
    {
        _depths.TryRemove(partitionId, out _);
        _limitWaiting.TryRemove(partitionId, out _);
    }

    /// <summary>A partition's pending jobs per limit key (null or empty: none).</summary>
    public void SetLimitWaiting(int partitionId, IReadOnlyDictionary<string, int>? waiting)
    {
        if (waiting is null || waiting.Count == 0) _limitWaiting.TryRemove(partitionId, out _);
        else _limitWaiting[partitionId] = waiting;
    }

    /// <summary>Pending jobs per queue in the partitions this node hosts.</summary>
    public IReadOnlyList<QueueDepth> PendingByQueue() =>
        _depths.Values.GroupBy(d => d.Queue).Select(g => new QueueDepth(g.Key, g.Sum(d => d.Pending))).OrderBy(q => q.Queue, StringComparer.Ordinal).ToArray();

    /// <summary>The latest attempts' pickup latencies (ms) as p50 and p99 (<see cref="PickupWindow"/>); null before the first.</summary>
    public (double P50, double P99)? PickupPercentiles() => _pickups.Percentiles();

    public void RecordHeapTrim() => _heapTrims.Add(1);

    public void Dispose() => _meter.Dispose();

    private sealed class Provider : ExtensionIdProvider<JobMetrics>
    {
        public override JobMetrics CreateExtension(ExtendedActorSystem system)
        {
            var metrics = new JobMetrics();
            system.RegisterOnTermination(metrics.Dispose);
            return metrics;
        }
    }
}
