using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// The read model's latest row of each unfinished job it wrote, kept in memory by the projection,
/// so a job's later events (started, completed) are applied without reading its row back from the
/// database and parsing its JSON (that read was about 5 % of the machine at full load).
/// Valid only while this process is the read model's one writer: every entry is tied to the offset
/// the projection committed with it, and <see cref="ValidAt"/> drops everything when the stored
/// offset is not that one (another node's projection wrote in between, or a write failed).
/// Bounded by <see cref="Capacity"/>: a job it has no room for is read from the database.
/// Not thread-safe: the projection applies one group at a time.
/// </summary>
public sealed class LiveRecordCache(int capacity = LiveRecordCache.DefaultCapacity)
{
    /// <summary>
    /// 5,000 rows (about 5 MB): with 20,000, a node holding 100,000 pending jobs grew by ~200 B more
    /// per pending job, a fifth of the 1 KB budget, for jobs that may wait for hours.
    /// </summary>
    public const int DefaultCapacity = 5_000;

    private readonly Dictionary<string, JobRecord> _records = new(StringComparer.Ordinal);
    private long _offset = -1;
    private string? _projection;

    public int Capacity => capacity;
    public int Count => _records.Count;

    /// <summary>Running jobs may use more room: their completion is next, and the node's slots bound how many run.</summary>
    private int RunningCapacity => 4 * capacity;

    /// <summary>Whether the entries describe the database at <paramref name="storedOffset"/>; if not, they are dropped.</summary>
    public bool ValidAt(string projection, long storedOffset)
    {
        if (storedOffset == _offset && projection == _projection) return true;
        Clear();
        _projection = projection;
        return false;
    }

    public bool TryGet(string jobId, out JobRecord record) => _records.TryGetValue(jobId, out record!);

    /// <summary>
    /// After a commit: the rows written and the offset committed with them. Finished jobs leave;
    /// known ones are updated; new ones come in only while there is room (running ones up to four
    /// times the capacity), and not when they are scheduled for later (they could hold the room for
    /// hours). A full cache therefore keeps the jobs it already follows instead of churning: under a
    /// backlog larger than the cache, a job that is read back once when it starts is then followed
    /// to its completion.
    /// </summary>
    public void Committed(IEnumerable<JobRecord> rows, long offset)
    {
        foreach (var job in rows)
        {
            if (job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.Scheduled)
                _records.Remove(job.Id);
            else if (_records.ContainsKey(job.Id) || _records.Count < (job.Status == JobStatus.Running ? RunningCapacity : capacity))
                _records[job.Id] = job;
        }
        _offset = offset;
    }

    public void Clear()
    {
        _records.Clear();
        _offset = -1;
    }
}
