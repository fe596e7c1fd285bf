using System.ComponentModel.DataAnnotations;
using Jobs.Actors.Usage;

namespace Jobs.Actors.Settings;

/// <summary>Who may call the API and how much each tenant may submit.</summary>
public sealed record ApiOptions : IValidatableObject
{
    /// <summary><c>key:tenant:role;…</c> (role <c>submit</c>, <c>read</c> or <c>admin</c>); none: the API answers loopback callers only, each as admin.</summary>
    public string? Keys { get; init; }

    /// <summary>
    /// Without <see cref="Keys"/>, whether loopback callers are served (as admin). Behind a reverse
    /// proxy on the same host every client arrives from loopback; false makes keys mandatory: the
    /// node does not start without them.
    /// </summary>
    public bool TrustLoopback { get; init; } = true;

    /// <summary>Event streams (<c>GET /api/jobs/{id}/events</c>) one key may hold open on a node; beyond: 429.</summary>
    [Range(1, 10_000)]
    public int SseStreamsPerKey { get; init; } = 32;

    /// <summary>Event streams a node holds open in all; beyond: 429.</summary>
    [Range(1, 100_000)]
    public int SseStreamsPerNode { get; init; } = 1000;

    /// <summary>Daily limits per tenant: <c>tenant=jobs:N,tokens:N;…</c>, <c>*</c> for every tenant not named.</summary>
    public string? Quotas { get; init; }

    private QuotaTable? _quotas;

    public QuotaTable QuotaTable => _quotas ??= QuotaTable.Parse(Quotas);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        string? problem = null;
        try
        {
            _ = QuotaTable.Parse(Quotas);
        }
        catch (InvalidOperationException e)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return new ValidationResult(problem, [nameof(Quotas)]);
        if (!TrustLoopback && string.IsNullOrWhiteSpace(Keys))
            yield return new ValidationResult(
                "JOBS_TRUST_LOOPBACK=false requires API keys: set JOBS_API_KEYS (key:tenant:role;…, e.g. a key from `openssl rand -hex 32`) or leave JOBS_TRUST_LOOPBACK unset to serve loopback callers as admin",
                [nameof(TrustLoopback)]);
    }
}
