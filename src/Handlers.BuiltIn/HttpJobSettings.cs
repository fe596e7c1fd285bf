using System.ComponentModel.DataAnnotations;

namespace Jobs.Handlers.BuiltIn;

/// <summary>Where <c>http</c> jobs may go (deny by default) and how much of an answer is kept.</summary>
public sealed record HttpJobSettings : IValidatableObject
{
    public static readonly HttpJobSettings DenyAll = new();

    /// <summary>
    /// Host names (exact, case-insensitive), <c>*.suffix</c> wildcards or IP addresses, each with an
    /// optional <c>:port</c> (without one: only the scheme's default port); empty: no host is allowed.
    /// A name resolving to a loopback, private, link-local or metadata address is refused unless an
    /// entry names that address (or <c>localhost</c>): see <see cref="HttpAllowList"/>.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Bytes of a response body kept in the result (the rest is cut, and the result says so).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; init; } = 1 << 20;

    /// <summary>An attempt's call times out after this unless the payload sets its own timeoutMs.</summary>
    [Range(1, 3_600_000)]
    public int DefaultTimeoutMs { get; init; } = 30_000;

    public TimeSpan DefaultTimeout => TimeSpan.FromMilliseconds(DefaultTimeoutMs);

    private (HttpAllowList List, IReadOnlyList<string> From)? _allowList;

    /// <summary>The parsed <see cref="AllowedHosts"/> (cached; a <c>with</c> copy that changes them gets its own).</summary>
    public HttpAllowList AllowList =>
        _allowList is var (list, from) && ReferenceEquals(from, AllowedHosts)
            ? list
            : (_allowList = (HttpAllowList.Parse(AllowedHosts), AllowedHosts)).Value.List;

    public IEnumerable<ValidationResult> Validate(ValidationContext context) =>
        HttpAllowList.Problem(AllowedHosts) is { } problem ? [new ValidationResult(problem, [nameof(AllowedHosts)])] : [];
}
