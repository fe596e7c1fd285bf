using System.ComponentModel.DataAnnotations;

namespace Jobs.Handlers.BuiltIn.Script;

/// <summary>The sandbox worker processes of <c>script</c> jobs, and the limits of one script.</summary>
public sealed record SandboxSettings
{
    /// <summary>Worker processes at most (each runs one script at a time); unset: the node's capacity.</summary>
    [Range(1, 10_000)]
    public int? Workers { get; init; }

    /// <summary>Workers started with the node and kept, so a script does not wait for one to start.</summary>
    [Range(0, 10_000)]
    public int WarmWorkers { get; init; } = 2;

    /// <summary>A worker's managed heap (the runtime's hard limit); above it, or its RSS above this plus <see cref="NativeAllowanceMb"/>, the script fails <c>crashed</c>.</summary>
    [Range(32, 65_536)]
    public int MemoryMb { get; init; } = 256;

    /// <summary>What a worker may hold besides its heap (runtime, code, thread stacks) before the node kills it.</summary>
    [Range(16, 65_536)]
    public int NativeAllowanceMb { get; init; } = 192;

    /// <summary>
    /// Address space a worker may map beyond what its runtime holds at start (its own RLIMIT_AS): a
    /// backstop under the heap limit and the RSS watch, so a native allocation cannot run away. Virtual,
    /// not resident: generous enough for thread stacks and code.
    /// </summary>
    [Range(256, 1_048_576)]
    public int AddressSpaceMb { get; init; } = 1024;

    /// <summary>After a script's time limit, how long the interpreter has to stop it before the node kills the worker.</summary>
    [Range(0, 60_000)]
    public int KillGraceMs { get; init; } = 250;

    /// <summary>A worker idle this long is stopped (beyond the warm ones).</summary>
    [Range(1000, 3_600_000)]
    public int IdleTimeoutMs { get; init; } = 60_000;

    /// <summary>A worker is replaced after this many scripts, so no state or heap growth outlives many jobs.</summary>
    [Range(1, 1_000_000)]
    public int MaxScriptsPerWorker { get; init; } = 1000;

    /// <summary>A script's time limit when its payload sets none (the job's timeoutMs caps it too).</summary>
    [Range(1, 3_600_000)]
    public int DefaultTimeoutMs { get; init; } = 10_000;

    /// <summary>The longest time limit a payload may ask for.</summary>
    [Range(1, 86_400_000)]
    public int MaxTimeoutMs { get; init; } = 300_000;

    /// <summary>Console output kept per stream (stdout, stderr); the rest is dropped and flagged.</summary>
    [Range(0, 1_048_576)]
    public int MaxOutputChars { get; init; } = 64 * 1024;

    /// <summary>The longest script accepted.</summary>
    [Range(1, 1_048_576)]
    public int MaxCodeChars { get; init; } = 256 * 1024;

    public TimeSpan KillGrace => TimeSpan.FromMilliseconds(KillGraceMs);
    public TimeSpan IdleTimeout => TimeSpan.FromMilliseconds(IdleTimeoutMs);
    public long MemoryBytes => MemoryMb * 1048576L;
    public long RssLimitBytes => (MemoryMb + (long)NativeAllowanceMb) * 1048576L;
}
