using System.Net;
using System.Net.Sockets;

namespace Jobs.Actors.Membership;

/// <summary>
/// Expands JOBS_CLUSTER_SEEDS. An entry <c>dns:name:port</c> stands for every IPv4 address the
/// name resolves to — a scaled service's replicas (docker compose, a headless Kubernetes
/// service) — so any running member can be joined through, and a restarted seed joins the
/// cluster that is still alive instead of forming a second one (Akka lets only the first seed
/// in the list join itself, and only when no other seed answers). Nodes found this way must
/// advertise their IP (JOBS_CLUSTER_HOST=auto). Other entries are kept as given.
/// </summary>
public static class SeedList
{
    public const string DnsPrefix = "dns:";

    /// <summary>How long the first <c>dns:</c> seed may take to resolve: the designated seed's container may still be starting.</summary>
    public static readonly TimeSpan FirstSeedWait = TimeSpan.FromSeconds(60);

    /// <summary>Between two lookups of a seed name that did not resolve yet.</summary>
    public static readonly TimeSpan ResolveRetry = TimeSpan.FromMilliseconds(500);

    /// <param name="resolve">name → addresses; an unknown name may throw <see cref="SocketException"/> or return none.</param>
    /// <param name="firstWait">How long the first entry may take to resolve (the designated seed starting up).</param>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> entries, Func<string, IPAddress[]> resolve, TimeSpan firstWait, Action<TimeSpan>? pause = null)
    {
        var seeds = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!entry.StartsWith(DnsPrefix, StringComparison.OrdinalIgnoreCase))
            {
                seeds.Add(entry);
                continue;
            }
            var (name, port) = Split(entry);
            var deadline = DateTime.UtcNow + (i == 0 ? firstWait : TimeSpan.Zero);
            IReadOnlyList<IPAddress> found;
            while ((found = Lookup(resolve, name)).Count == 0 && DateTime.UtcNow < deadline)
                (pause ?? Thread.Sleep)(ResolveRetry);
            if (found.Count == 0 && i == 0)
                throw new InvalidOperationException($"JOBS_CLUSTER_SEEDS: '{name}' did not resolve within {firstWait.TotalSeconds:0} s (the first seed must exist)");
            seeds.AddRange(found.Select(a => $"{a}:{port}"));
        }
        return seeds.Distinct(StringComparer.Ordinal).ToList();
    }

    private static (string Name, int Port) Split(string entry)
    {
        var rest = entry[DnsPrefix.Length..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new InvalidOperationException($"JOBS_CLUSTER_SEEDS entry '{entry}' is invalid: expected dns:name:port");
        return (rest[..colon], port);
    }

    private static IReadOnlyList<IPAddress> Lookup(Func<string, IPAddress[]> resolve, string name)
    {
        try
        {
            return resolve(name).Where(a => a.AddressFamily == AddressFamily.InterNetwork).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList();
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
