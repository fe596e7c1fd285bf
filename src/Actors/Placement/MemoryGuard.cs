namespace Jobs.Actors.Placement;

/// <summary>
/// The node's memory high-watermark with hysteresis: above <see cref="HighBytes"/> the node is
/// degraded (starts no new attempts) until memory is back under <see cref="LowBytes"/>.
/// <see cref="HighBytes"/> 0 switches the guard off. Pure.
/// </summary>
public sealed record MemoryGuard(long HighBytes, long LowBytes, bool Degraded = false)
{
    public static readonly MemoryGuard Off = new(0, 0);

    /// <summary>A guard with the low-watermark at 80 % of the high one unless given.</summary>
    public static MemoryGuard Create(long highBytes, long? lowBytes = null)
    {
        if (highBytes < 0) throw new ArgumentOutOfRangeException(nameof(highBytes), "must be ≥ 0 (0: off)");
        var low = lowBytes ?? highBytes / 5 * 4;
        if (low < 0 || (highBytes > 0 && low > highBytes))
            throw new ArgumentOutOfRangeException(nameof(lowBytes), "must be between 0 and the high-watermark");
        return new MemoryGuard(highBytes, low);
    }

    public bool Enabled => HighBytes > 0;

    /// <summary>The guard after a memory sample.</summary>
    public MemoryGuard Observe(long usedBytes) =>
        !Enabled ? this with { Degraded = false }
        : Degraded ? this with { Degraded = usedBytes >= LowBytes }
        : this with { Degraded = usedBytes > HighBytes };

    /// <summary>New watermarks keep the current state until the next sample decides.</summary>
    public MemoryGuard WithWatermarks(long highBytes, long? lowBytes) => Create(highBytes, lowBytes) with { Degraded = Degraded };
}
