using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jobs.Actors.Capacity;
using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>
/// The engine's instruments (one <see cref="Meter"/> named <see cref="MeterName"/>), recorded by
/// the partitions as their events become durable, plus the node totals the stats heartbeat
/// reports — both fed by the same <see cref="Record"/>, so /metrics and /api/nodes agree.
/// One engine per process (a node); several in one process (tests) share the totals.
/// </summary>
public static class JobMetrics
{
    public const string MeterName = "Jobs";
    public const string ActivitySourceName = "Jobs";

    public static readonly ActivitySource Tracing = new(ActivitySourceName);
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Submitted = Meter.CreateCounter<long>("jobs.submitted", description: "jobs accepted (journaled)");
    private static readonly Counter<long> Started = Meter.CreateCounter<long>("jobs.started", description: "attempts started");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("jobs.completed", description: "jobs completed");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("jobs.failed", description: "attempts that failed (each may be retried)");
    private static readonly Counter<long> Retried = Meter.CreateCounter<long>("jobs.retried", description: "retries scheduled");
    private static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("jobs.dead_lettered", description: "jobs that ended failed (in the DLQ)");
    private static readonly Counter<long> HeapTrims = Meter.CreateCounter<long>("jobs.heap_trims", description: "aggressive collections run after a burst, once the node was quiet (HeapTrimRule)");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("jobs.duration", "s", "run time of completed attempts");
    private static readonly Histogram<double> Pickup = Meter.CreateHistogram<double>("jobs.pickup_latency", "s", "accepted (or due) → attempt started");
    private static readonly Histogram<double> JournalWrite = Meter.CreateHistogram<double>("jobs.journal.write_latency", "s", "a partition's journal write, call → confirmation");

    private static readonly ConcurrentDictionary<int, (string Queue, int Pending)> Depths = new();
    private static Func<IEnumerable<Measurement<int>>> _members = () => [];

    private static long _submitted, _completed, _failed, _retried, _deadLettered;

    static JobMetrics()
    {
        Meter.CreateObservableGauge("jobs.queue.depth", () => Depths.Values.GroupBy(d => d.Queue)
            .Select(g => new Measurement<int>(g.Sum(d => d.Pending), new KeyValuePair<string, object?>("queue", g.Key))),
            description: "pending jobs in the partitions this node hosts, per queue");
        Meter.CreateObservableGauge("jobs.running", () => NodeCapacity.Running, description: "attempts running on this node");
        Meter.CreateObservableGauge("jobs.node.degraded", () => NodeCapacity.Degraded ? 1 : 0, description: "1 while the memory guard holds new attempts back");
        Meter.CreateObservableGauge("jobs.cluster.members", () => _members(), description: "cluster members by status, as this node sees them");
    }

    public static long TotalSubmitted => Interlocked.Read(ref _submitted);
    /// <summary>Jobs that reached an end on this node's partitions: completed or dead-lettered.</summary>
    public static long TotalProcessed => Interlocked.Read(ref _completed) + Interlocked.Read(ref _deadLettered);
    public static long TotalFailed => Interlocked.Read(ref _failed);
    public static long TotalRetried => Interlocked.Read(ref _retried);
    public static long TotalDeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Where the member-count gauge reads from (set by the hosting once the cluster exists).</summary>
    public static void ObserveMembers(Func<IEnumerable<Measurement<int>>> members) => _members = members;

    /// <summary>A durable event of a job: <paramref name="before"/> is the job's record before it (null for an acceptance).</summary>
    public static void Record(IJobEvent e, JobRecord? before, JobRecord after)
    {
        var tags = new TagList { { "type", after.Spec.Type }, { "queue", after.Spec.Queue } };
        switch (e)
        {
            case JobAccepted:
                Interlocked.Increment(ref _submitted);
                Submitted.Add(1, tags);
                break;
            case JobAttemptStarted s:
                Started.Add(1, tags);
                if (before is not null)
                {
                    var due = before.RunAt is { } r && r > before.CreatedAt ? r : before.CreatedAt;
                    Pickup.Record(Math.Max(0, (s.At - due).TotalSeconds), tags);
                }
                break;
            case JobCompleted c:
                Interlocked.Increment(ref _completed);
                Completed.Add(1, tags);
                if (before?.StartedAt is { } started) Duration.Record(Math.Max(0, (c.At - started).TotalSeconds), tags);
                break;
            case JobAttemptFailed:
                Interlocked.Increment(ref _failed);
                Failed.Add(1, tags);
                break;
            case JobRetryScheduled:
                Interlocked.Increment(ref _retried);
                Retried.Add(1, tags);
                break;
            case JobDeadLettered:
                Interlocked.Increment(ref _deadLettered);
                DeadLettered.Add(1, tags);
                break;
        }
    }

    public static void RecordJournalWrite(TimeSpan elapsed) => JournalWrite.Record(elapsed.TotalSeconds);

    /// <summary>A partition's pending count (called when it changes); <see cref="ForgetPartition"/> when it stops.</summary>
    public static void SetDepth(int partitionId, string queue, int pending) => Depths[partitionId] = (queue, pending);

    public static void ForgetPartition(int partitionId) => Depths.TryRemove(partitionId, out _);

    public static void RecordHeapTrim() => HeapTrims.Add(1);
}
