using System.Globalization;

namespace Jobs.Actors.Placement;

/// <summary>
/// Which pending head gets the node's next free slot. With fair share: the tenant running the
/// fewest attempts per unit of weight, then that tenant's best head (priority, then acceptance);
/// without: the best head of any tenant. Pure.
/// </summary>
public sealed record FairShare(bool Enabled, IReadOnlyDictionary<string, double> Weights)
{
    public static readonly FairShare Off = new(false, new Dictionary<string, double>());

    /// <summary>The largest weight a tenant may be given (a share is a ratio; this keeps it finite).</summary>
    public const double MaxWeight = 1000;

    public double WeightOf(string tenant) => Weights.TryGetValue(tenant, out var w) ? w : Weights.TryGetValue("*", out var all) ? all : 1;

    /// <summary>The index into <paramref name="candidates"/> of the head to grant, or -1 when there is none.</summary>
    /// <param name="candidates">every head that may be granted (its partition is waiting for no answer, its queue is not paused), with the partition's id.</param>
    /// <param name="running">attempts running per tenant on the node.</param>
    public int Pick(IReadOnlyList<(int PartitionId, TenantHead Head)> candidates, IReadOnlyDictionary<string, int> running)
    {
        var best = -1;
        var bestShare = 0.0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var share = Enabled ? running.GetValueOrDefault(candidates[i].Head.Tenant) / WeightOf(candidates[i].Head.Tenant) : 0;
            if (best < 0 || share < bestShare || (share == bestShare && Better(candidates[i], candidates[best])))
            {
                best = i;
                bestShare = share;
            }
        }
        return best;
    }

    private static bool Better((int PartitionId, TenantHead Head) a, (int PartitionId, TenantHead Head) b) =>
        a.Head.Priority != b.Head.Priority ? a.Head.Priority > b.Head.Priority
        : a.Head.Ticks != b.Head.Ticks ? a.Head.Ticks < b.Head.Ticks
        : a.PartitionId != b.PartitionId ? a.PartitionId < b.PartitionId
        : string.CompareOrdinal(a.Head.Tenant, b.Head.Tenant) < 0;

    /// <summary>
    /// JOBS_TENANT_WEIGHTS: <c>tenant=weight;…</c> (weights are positive numbers, at most
    /// <see cref="MaxWeight"/>), <c>*</c> for every tenant not named; a tenant without one weighs 1.
    /// </summary>
    public static IReadOnlyDictionary<string, double> ParseWeights(string? spec)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var entry in (spec ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || !double.TryParse(entry[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                || !double.IsFinite(w) || w <= 0 || w > MaxWeight)
                throw new InvalidOperationException($"JOBS_TENANT_WEIGHTS entry '{entry}' is invalid: expected tenant=weight with a weight above 0 and at most {MaxWeight}");
            weights[entry[..eq]] = w;
        }
        return weights;
    }
}
