namespace Jobs.Handlers.BuiltIn;

/// <summary>Sandbox limits for <see cref="ScriptHandler"/>.</summary>
public sealed record ScriptLimits(
    TimeSpan DefaultTimeout,
    TimeSpan MaxTimeout,
    long MemoryBytes,
    int RecursionDepth,
    int MaxOutputChars,
    int MaxCodeChars)
{
    public static readonly ScriptLimits Default = new(
        DefaultTimeout: TimeSpan.FromSeconds(10),
        MaxTimeout: TimeSpan.FromMinutes(5),
        MemoryBytes: 64L * 1024 * 1024,
        RecursionDepth: 256,
        MaxOutputChars: 64 * 1024,
        MaxCodeChars: 256 * 1024);
}
