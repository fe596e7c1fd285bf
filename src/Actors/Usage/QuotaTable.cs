using System.Globalization;
using Jobs.Messages;

namespace Jobs.Actors.Usage;

/// <summary>
/// Daily limits per tenant from JOBS_QUOTAS: <c>tenant=jobs:N,tokens:N;…</c>, with <c>*</c> for
/// every tenant not named. Without an entry a tenant is unlimited (its usage is still counted).
/// </summary>
public sealed record QuotaTable(IReadOnlyDictionary<string, QuotaLimits> Limits)
{
    public static readonly QuotaTable None = new(new Dictionary<string, QuotaLimits>());
    public static readonly QuotaLimits Unlimited = new(null, null);

    public QuotaLimits For(string tenant) =>
        Limits.TryGetValue(tenant, out var l) ? l : Limits.TryGetValue("*", out var all) ? all : Unlimited;

    public static QuotaTable Parse(string? spec)
    {
        var limits = new Dictionary<string, QuotaLimits>(StringComparer.Ordinal);
        foreach (var entry in (spec ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) throw new InvalidOperationException($"JOBS_QUOTAS entry '{entry}' is invalid: expected tenant=jobs:N,tokens:N");
            long? jobs = null, tokens = null;
            foreach (var part in entry[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = part.Split(':');
                if (kv.Length != 2 || !long.TryParse(kv[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0)
                    throw new InvalidOperationException($"JOBS_QUOTAS entry '{entry}': '{part}' is not jobs:N or tokens:N");
                switch (kv[0])
                {
                    case "jobs": jobs = n; break;
                    case "tokens": tokens = n; break;
                    default: throw new InvalidOperationException($"JOBS_QUOTAS entry '{entry}': unknown limit '{kv[0]}' (jobs, tokens)");
                }
            }
            limits[entry[..eq]] = new QuotaLimits(jobs, tokens);
        }
        return new QuotaTable(limits);
    }

    /// <summary>The next UTC midnight after <paramref name="now"/>: when today's counters reset.</summary>
    public static DateTimeOffset ResetAfter(DateTimeOffset now) => new(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
}
