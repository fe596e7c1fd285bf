using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// How a partition packs the events queued behind its in-flight journal write into rows: one
/// event stays itself (the row every earlier version wrote); several become
/// <see cref="JobEventBatch"/> rows of at most <see cref="MaxEventsPerRow"/> events and about
/// <see cref="MaxBytesPerRow"/> of payloads, so one row never carries a huge write. Pure.
/// </summary>
public static class GroupCommit
{
    public const int MaxEventsPerRow = 500;
    public const int MaxBytesPerRow = 512 * 1024;

    /// <summary>The rows for <paramref name="events"/>, in order; each with how many of the events it holds.</summary>
    public static IReadOnlyList<(object Row, int Count)> Rows(IJobEvent[] events)
    {
        var rows = new List<(object, int)>();
        var start = 0;
        while (start < events.Length)
        {
            var end = start;
            long bytes = 0;
            while (end < events.Length && end - start < MaxEventsPerRow)
            {
                var size = ApproximateBytes(events[end]);
                if (end > start && bytes + size > MaxBytesPerRow) break;
                bytes += size;
                end++;
            }
            var count = end - start;
            rows.Add(count == 1 ? (events[start], 1) : (new JobEventBatch(events[start..end]), count));
            start = end;
        }
        return rows;
    }

    /// <summary>The event's serialized size, roughly: its large texts plus a fixed allowance for the rest.</summary>
    public static long ApproximateBytes(IJobEvent e) => 256 + e switch
    {
        JobAccepted a => (long)(a.Spec.Payload?.Length ?? 0) + (a.Spec.Metadata?.Length ?? 0) + a.Spec.DependsOn.Sum(d => d.Length + 4),
        JobCompleted c => c.Result?.Length ?? 0,
        JobAttemptFailed f => f.Message.Length,
        JobDeadLettered d => d.Message.Length,
        JobCancelled x => x.Reason.Length,
        _ => 0,
    };
}
