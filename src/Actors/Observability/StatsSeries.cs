using Jobs.Messages;

namespace Jobs.Actors.Observability;

/// <summary>
/// The cluster's totals over the last hour, one point every <see cref="Interval"/>, kept by each node
/// from the heartbeats it receives (so every node can draw the same charts; nothing is stored).
/// </summary>
public sealed class StatsSeries
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Span = TimeSpan.FromHours(1);
    public static int MaxPoints => (int)(Span / Interval);

    private readonly Queue<StatsPoint> _points = new();

    public IReadOnlyList<StatsPoint> Points => _points.ToArray();

    /// <summary>Adds the sums of <paramref name="latest"/> (stale heartbeats left out) at <paramref name="at"/>.</summary>
    public void Sample(DateTimeOffset at, IEnumerable<NodeStatsEntry> latest)
    {
        var live = latest.Where(n => !n.Stale).Select(n => n.Stats).ToArray();
        _points.Enqueue(new StatsPoint(at, live.Length, live.Sum(s => s.RunningJobs), live.Sum(s => s.Capacity),
            live.Sum(s => s.Submitted), live.Sum(s => s.Processed), live.Sum(s => s.Failed),
            live.Sum(s => s.Pending.Sum(q => q.Pending)), live.Max(s => s.PickupP99Ms)));
        while (_points.Count > MaxPoints) _points.Dequeue();
    }
}
