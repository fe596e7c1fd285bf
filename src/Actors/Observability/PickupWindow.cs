namespace Jobs.Actors.Observability;

/// <summary>
/// The latest <see cref="Capacity"/> pickup latencies, for the heartbeat's p50 and p99 (past it the
/// oldest are overwritten): a quiet node keeps showing its last attempts' latency.
/// </summary>
public sealed class PickupWindow
{
    public const int Capacity = 4096;
    private readonly double[] _ms = new double[Capacity];
    private readonly Lock _lock = new();
    private long _count;

    public void Add(double ms)
    {
        lock (_lock) _ms[_count++ % Capacity] = ms;
    }

    public (double P50, double P99)? Percentiles()
    {
        double[] sorted;
        lock (_lock)
        {
            if (_count == 0) return null;
            sorted = _ms[..(int)Math.Min(_count, Capacity)];
        }
        Array.Sort(sorted);
        return (At(sorted, 0.5), At(sorted, 0.99));
    }

    private static double At(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
}
