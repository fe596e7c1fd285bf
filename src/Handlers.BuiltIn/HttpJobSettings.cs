using System.ComponentModel.DataAnnotations;

namespace Jobs.Handlers.BuiltIn;

/// <summary>Where <c>http</c> jobs may go (deny by default) and how much of an answer is kept.</summary>
public sealed record HttpJobSettings
{
    public static readonly HttpJobSettings DenyAll = new();

    /// <summary>Host names (exact, case-insensitive) or <c>*.suffix</c> wildcards; empty: no host is allowed.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Bytes of a response body kept in the result (the rest is cut, and the result says so).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; init; } = 1 << 20;

    /// <summary>An attempt's call times out after this unless the payload sets its own timeoutMs.</summary>
    [Range(1, 3_600_000)]
    public int DefaultTimeoutMs { get; init; } = 30_000;

    public TimeSpan DefaultTimeout => TimeSpan.FromMilliseconds(DefaultTimeoutMs);

    public bool Allows(string host) => AllowedHosts.Any(a =>
        a.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(a[1..], StringComparison.OrdinalIgnoreCase) && host.Length > a.Length - 1
            : string.Equals(a, host, StringComparison.OrdinalIgnoreCase));
}
