using System.Collections.Concurrent;
using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// The jobs this node's partitions made durable recently, each as its latest record: what a list
/// merges with the read model's page so a job shows the moment it is accepted or ends, before the
/// projection has written its row (docs/architecture.md, "Read-your-writes"). Written by partitions
/// on their own threads, read by lists; bounded by <see cref="Window"/> and <see cref="MaxRecords"/>.
/// One per ActorSystem (<see cref="Get"/>).
/// </summary>
public sealed class LiveJobIndex : IExtension
{
    /// <summary>How long a job stays after its last durable event: well past the projection's usual lag (about a second).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At most this many recorded states (one per durable event, so about a quarter as many jobs as this
    /// at three or four events a job); past it the least recently recorded go first.
    /// </summary>
    public const int MaxRecords = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Id, long At)> _order = new();
    private readonly Func<long> _clock;
    private readonly long _window;
    private readonly int _maxRecords;
    /// <summary>Slots in <see cref="_order"/>, kept by hand: the concurrent collections' Count locks or walks them, on every record.</summary>
    private int _slots;

    /// <param name="clock">milliseconds, monotonic (tests pass their own).</param>
    public LiveJobIndex(Func<long>? clock = null, TimeSpan? window = null, int maxRecords = MaxRecords)
    {
        _clock = clock ?? (() => Environment.TickCount64);
        _window = (long)(window ?? Window).TotalMilliseconds;
        _maxRecords = maxRecords;
    }

    public static LiveJobIndex Get(ActorSystem system) => system.WithExtension<LiveJobIndex, Provider>();

    public int Count => _jobs.Count;

    /// <summary>A job's state after an event of partition <paramref name="partition"/> became durable.</summary>
    public void Record(int partition, JobRecord job)
    {
        var now = _clock();
        _jobs[job.Id] = new Entry(job, partition, now);
        _order.Enqueue((job.Id, now));
        Interlocked.Increment(ref _slots);
        Trim(now);
    }

    /// <summary>A partition stopped on this node: its jobs are another owner's now.</summary>
    public void Forget(int partition)
    {
        foreach (var (id, entry) in _jobs)
            if (entry.Partition == partition) _jobs.TryRemove(KeyValuePair.Create(id, entry));
    }

    /// <summary>Expired jobs (<see cref="JobsExpired"/>): a list must not bring them back.</summary>
    public void Forget(IEnumerable<string> jobIds)
    {
        foreach (var id in jobIds) _jobs.TryRemove(id, out _);
    }

    /// <summary>The jobs recorded within the window whose retention has not run out (any order).</summary>
    public IEnumerable<JobRecord> Jobs()
    {
        var oldest = _clock() - _window;
        var now = DateTimeOffset.UtcNow;
        foreach (var (_, entry) in _jobs)
            if (entry.At >= oldest && !entry.Job.ExpiredAt(now)) yield return entry.Job;
    }

    public JobRecord? Find(string id) =>
        _jobs.TryGetValue(id, out var e) && e.At >= _clock() - _window && !e.Job.ExpiredAt(DateTimeOffset.UtcNow) ? e.Job : null;

    /// <summary>Drops jobs past the window (an idle node's sweep; recording trims as it goes).</summary>
    public void Trim() => Trim(_clock());

    private void Trim(long now)
    {
        while (_order.TryPeek(out var head) && (now - head.At > _window || Volatile.Read(ref _slots) > _maxRecords))
        {
            if (!_order.TryDequeue(out head)) break;
            Interlocked.Decrement(ref _slots);
            // only the entry this queue slot recorded: a later record of the same job has its own slot
            if (_jobs.TryGetValue(head.Id, out var entry) && entry.At == head.At) _jobs.TryRemove(KeyValuePair.Create(head.Id, entry));
        }
    }

    private sealed record Entry(JobRecord Job, int Partition, long At);

    private sealed class Provider : ExtensionIdProvider<LiveJobIndex>
    {
        public override LiveJobIndex CreateExtension(ExtendedActorSystem system) => new();
    }
}
