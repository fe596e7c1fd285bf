namespace Jobs.Messages;

/// <summary>
/// Where a job lives. Every queue owns its own block of partitions, so a queue's partitions can be
/// placed on the nodes that serve it. The <c>default</c> queue has partitions
/// <c>0 .. Partitions-1</c>; the n-th other queue of <see cref="Queues"/> (in configured order)
/// has <c>QueuePartitions</c> partitions after that. Jobs of other queues carry their queue in
/// the id (<c>gpu.01J…</c>), so any node routes any id without a lookup. Pure; must be identical
/// on every node of a cluster (the queue list is append-only for the life of a data set).
/// </summary>
public sealed class PartitionLayout
{
    public const string DefaultQueue = "default";
    private const char QueueSeparator = '.';

    private readonly string[] _others;
    private readonly Dictionary<string, int> _offsetOf = new(StringComparer.Ordinal);

    public PartitionLayout(int partitions, IEnumerable<string> queues, int queuePartitions)
    {
        if (partitions <= 0) throw new ArgumentOutOfRangeException(nameof(partitions));
        if (queuePartitions <= 0) throw new ArgumentOutOfRangeException(nameof(queuePartitions));
        Configured = queues.ToArray();
        Partitions = partitions;
        QueuePartitions = queuePartitions;
        _others = Configured.Where(q => q != DefaultQueue).Distinct(StringComparer.Ordinal).ToArray();
        Queues = [DefaultQueue, .. _others];
        _offsetOf[DefaultQueue] = 0;
        for (var i = 0; i < _others.Length; i++) _offsetOf[_others[i]] = partitions + i * queuePartitions;
        Total = partitions + _others.Length * queuePartitions;
    }

    /// <summary>The queue list this layout was made from, as given.</summary>
    public IReadOnlyList<string> Configured { get; }

    /// <summary>Partitions of the default queue.</summary>
    public int Partitions { get; }
    /// <summary>Partitions of each other queue.</summary>
    public int QueuePartitions { get; }
    /// <summary><c>default</c> first, then the others in configured order.</summary>
    public IReadOnlyList<string> Queues { get; }
    public int Total { get; }

    public bool Knows(string queue) => _offsetOf.ContainsKey(queue);

    /// <summary>The id a new job of <paramref name="queue"/> gets from a base id (random or derived from an idempotency key).</summary>
    public static string IdFor(string queue, string baseId) =>
        queue == DefaultQueue ? baseId : queue + QueueSeparator + baseId;

    /// <summary>The queue an id names (ids without a queue prefix are the default queue's).</summary>
    public static string QueueOfId(string jobId)
    {
        var dot = jobId.IndexOf(QueueSeparator);
        return dot <= 0 ? DefaultQueue : jobId[..dot];
    }

    /// <summary>The partition that owns a job id. An id naming an unknown queue hashes into the default queue's partitions (it finds nothing there).</summary>
    public int PartitionOf(string jobId)
    {
        var queue = QueueOfId(jobId);
        return _offsetOf.TryGetValue(queue, out var offset) && queue != DefaultQueue
            ? offset + JobIds.PartitionOf(jobId, QueuePartitions)
            : JobIds.PartitionOf(jobId, Partitions);
    }

    public string QueueOfPartition(int partitionId)
    {
        if (partitionId < 0 || partitionId >= Total) throw new ArgumentOutOfRangeException(nameof(partitionId));
        return partitionId < Partitions ? DefaultQueue : _others[(partitionId - Partitions) / QueuePartitions];
    }

    public IEnumerable<int> All => Enumerable.Range(0, Total);
}
