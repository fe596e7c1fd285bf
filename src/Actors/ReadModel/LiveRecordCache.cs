using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// The read model's latest row of each unfinished job it wrote, kept in memory by the projection,
/// so a job's later events (started, completed) are applied without reading its row back from the
/// database and parsing its JSON (session 8: that read was ~5 % of the machine at full load).
/// Valid only while this process is the read model's one writer: every entry is tied to the offset
/// the projection committed with it, and <see cref="ValidAt"/> drops everything when the stored
/// offset is not that one (another node's projection wrote in between, or a write failed).
/// Bounded: past <see cref="Capacity"/> the oldest entries go (they are read from the database).
/// Not thread-safe: the projection applies one group at a time.
/// </summary>
public sealed class LiveRecordCache(int capacity = LiveRecordCache.DefaultCapacity)
{
    public const int DefaultCapacity = 20_000;

    private readonly Dictionary<string, JobRecord> _records = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _offset = -1;
    private string? _projection;

    public int Capacity => capacity;
    public int Count => _records.Count;

    /// <summary>Whether the entries describe the database at <paramref name="storedOffset"/>; if not, they are dropped.</summary>
    public bool ValidAt(string projection, long storedOffset)
    {
        if (storedOffset == _offset && projection == _projection) return true;
        Clear();
        _projection = projection;
        return false;
    }

    public bool TryGet(string jobId, out JobRecord record) => _records.TryGetValue(jobId, out record!);

    /// <summary>After a commit: the rows written and the offset committed with them. Finished jobs leave.</summary>
    public void Committed(IEnumerable<JobRecord> rows, long offset)
    {
        foreach (var job in rows)
        {
            if (job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
            {
                _records.Remove(job.Id);
                continue;
            }
            if (_records.TryAdd(job.Id, job)) _order.Enqueue(job.Id);
            else _records[job.Id] = job;
        }
        // the queue may hold ids that already left; trim until the live entries fit
        while (_records.Count > capacity && _order.TryDequeue(out var oldest)) _records.Remove(oldest);
        if (_order.Count > 4 * Math.Max(capacity, _records.Count))
        {
            _order.Clear();
            foreach (var id in _records.Keys) _order.Enqueue(id);
        }
        _offset = offset;
    }

    public void Clear()
    {
        _records.Clear();
        _order.Clear();
        _offset = -1;
    }
}
