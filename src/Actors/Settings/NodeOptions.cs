using System.ComponentModel.DataAnnotations;

namespace Jobs.Actors.Settings;

/// <summary>What one node runs and reports, and how it leaves.</summary>
public sealed record NodeOptions : IValidatableObject
{
    /// <summary>Jobs this node runs at once.</summary>
    [Range(1, 10_000)]
    public int Capacity { get; init; } = Math.Max(1, 2 * Environment.ProcessorCount);

    /// <summary>When the node is saturated, free slots go to tenants in proportion to their weights (then by priority within a tenant); off: by priority alone.</summary>
    public bool FairShare { get; init; } = true;

    /// <summary><c>tenant=weight;…</c> (<c>*</c>: every tenant not named); a tenant without one weighs 1.</summary>
    public string? TenantWeights { get; init; }

    /// <summary>Graceful leave: how long the node waits for running attempts before handing its partitions off.</summary>
    [Range(0, 3_600_000)]
    public int DrainTimeoutMs { get; init; } = 30_000;

    /// <summary>Memory high-watermark (working set, MiB): above it no new attempts start. 0: off.</summary>
    [Range(0, 1_048_576)]
    public int MemoryHighMb { get; init; }

    /// <summary>Attempts start again under this (MiB); unset: 80 % of the high-watermark.</summary>
    [Range(0, 1_048_576)]
    public int? MemoryLowMb { get; init; }

    /// <summary>After this much allocation (MiB), the first quiet interval gets one compacting collection that returns a burst's heap to the OS. 0: off.</summary>
    [Range(0, 1_048_576)]
    public int HeapTrimAfterMb { get; init; } = 256;

    /// <summary>How often the node publishes its stats heartbeat (through Akka, not the database).</summary>
    [Range(100, 600_000)]
    public int StatsIntervalMs { get; init; } = 2000;

    /// <summary>A node whose last heartbeat is older than this is reported stale.</summary>
    [Range(200, 3_600_000)]
    public int StatsStaleMs { get; init; } = 6000;

    /// <summary>How long a request to a partition may take, retries included.</summary>
    [Range(100, 3_600_000)]
    public int AskTimeoutMs { get; init; } = 15_000;

    /// <summary>How long a batch submission may take (its coordinator stores every job before answering).</summary>
    [Range(1000, 3_600_000)]
    public int BatchTimeoutMs { get; init; } = 120_000;

    /// <summary><c>json</c>: one JSON object per log line; <c>simple</c>: one plain line.</summary>
    [AllowedValues("simple", "json")]
    public string LogFormat { get; init; } = "simple";

    /// <summary>Assemblies whose <c>[JobType]</c> handlers the node loads at start.</summary>
    public IReadOnlyList<string> HandlerAssemblies { get; init; } = [];

    public TimeSpan DrainTimeout => TimeSpan.FromMilliseconds(DrainTimeoutMs);
    public TimeSpan StatsInterval => TimeSpan.FromMilliseconds(StatsIntervalMs);
    public TimeSpan StatsStaleAfter => TimeSpan.FromMilliseconds(StatsStaleMs);
    public TimeSpan AskTimeout => TimeSpan.FromMilliseconds(AskTimeoutMs);
    public TimeSpan BatchTimeout => TimeSpan.FromMilliseconds(BatchTimeoutMs);
    public long MemoryHighBytes => MemoryHighMb * 1048576L;
    public long? MemoryLowBytes => MemoryLowMb * 1048576L;
    public long HeapTrimAfterBytes => HeapTrimAfterMb * 1048576L;

    /// <summary>The gate's rule for dividing slots between tenants.</summary>
    public Placement.FairShare Share => new(FairShare, Placement.FairShare.ParseWeights(TenantWeights));

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        string? weights = null;
        try
        {
            _ = Placement.FairShare.ParseWeights(TenantWeights);
        }
        catch (InvalidOperationException e)
        {
            weights = e.Message;
        }
        if (weights is not null) yield return new ValidationResult(weights, [nameof(TenantWeights)]);
        if (MemoryLowMb is { } low && (MemoryHighMb == 0 || low > MemoryHighMb))
            yield return new ValidationResult($"needs {SettingNames.NameOf("Jobs:Node:MemoryHighMb")} and must not exceed it", [nameof(MemoryLowMb)]);
    }
}
