namespace Jobs.Bench;

public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="q"/>-quantile of values sorted ascending (NaN when there are none).</summary>
    public static double Of(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];
}
