using Jobs.Actors.Observability;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>The overview's numbers: the cluster totals sampled from heartbeats (StatsSeries) and one interval's pickup percentiles (PickupWindow).</summary>
public sealed class StatsSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_point_sums_the_fresh_heartbeats_and_keeps_the_worst_pickup_and_the_series_keeps_one_hour()
    {
        var series = new StatsSeries();
        NodeStatsEntry Node(string a, int running, long processed, int pending, double? p99, bool stale = false) =>
            new(new NodeStats(a, running, 4, 10, processed, 1, 0, 0, 1, 1, false, "1", T0) { Pending = [new QueueDepth("default", pending)], PickupP99Ms = p99 }, T0, stale);
        series.Sample(T0, [Node("a", 2, 100, 5, 12.5), Node("b", 1, 50, 3, 40), Node("c", 4, 999, 99, 999, stale: true)]);
        var p = Assert.Single(series.Points);
        Assert.Equal((2, 3, 8, 150L, 8, 40.0), (p.Nodes, p.RunningJobs, p.Capacity, p.Processed, p.Pending, p.PickupP99Ms!.Value));

        for (var i = 1; i <= StatsSeries.MaxPoints + 5; i++) series.Sample(T0 + i * StatsSeries.Interval, []);
        Assert.Equal(StatsSeries.MaxPoints, series.Points.Count);
        Assert.Equal(T0 + (StatsSeries.MaxPoints + 5) * StatsSeries.Interval, series.Points[^1].At);
        Assert.Null(series.Points[^1].PickupP99Ms);
    }

    [Fact]
    public void A_pickup_window_gives_the_percentiles_of_its_latest_latencies()
    {
        var window = new PickupWindow();
        Assert.Null(window.Percentiles());
        for (var i = 1; i <= 100; i++) window.Add(i);
        Assert.Equal((50.0, 99.0), window.Percentiles());
        Assert.Equal((50.0, 99.0), window.Percentiles()); // a quiet node keeps its last numbers

        for (var i = 0; i < PickupWindow.Capacity; i++) window.Add(1000); // a later, slower stretch overwrites the first
        Assert.Equal((1000.0, 1000.0), window.Percentiles());
    }
}
