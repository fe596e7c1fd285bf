using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Jobs.Node.Api;

/// <summary>Read-only cluster views of API.md ("Cluster and nodes").</summary>
public static class ClusterEndpoints
{
    public const string PartitionRegion = "partitions";

    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", (ActorSystem system) =>
        {
            var cluster = Cluster.Get(system);
            var state = cluster.State;
            return Results.Json(new
            {
                self = cluster.SelfAddress.ToString(),
                leader = state.Leader?.ToString(),
                members = state.Members.Select(m => new
                {
                    address = m.Address.ToString(),
                    roles = m.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order().ToArray(),
                    status = m.Status.ToString().ToLowerInvariant(),
                    reachable = !state.Unreachable.Contains(m),
                    appVersion = m.AppVersion.ToString(),
                }),
                unreachable = state.Unreachable.Select(m => m.Address.ToString()),
            }, ApiJson.Options);
        });

        app.MapPost("/api/cluster/leave", Leave);

        app.MapGet("/api/cluster/sharding", async (ActorSystem system, CancellationToken ct) =>
        {
            var region = ClusterSharding.Get(system).ShardRegion(PartitionRegion);
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(10), ct);
            return Results.Json(new
            {
                regions = new[]
                {
                    new
                    {
                        entityType = PartitionRegion,
                        nodes = stats.Regions.Select(r => new
                        {
                            address = r.Key.ToString(),
                            shards = r.Value.Stats.Count,
                            entities = r.Value.Stats.Values.Sum(),
                            shardIds = r.Value.Stats.Keys.OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray(),
                        }),
                    },
                },
            }, ApiJson.Options);
        });
    }

    /// <summary>
    /// POST /api/cluster/leave {"address"?}: the member (default: this node) leaves gracefully —
    /// CoordinatedShutdown drains its running jobs, hands its partitions off and exits 0.
    /// Management action: until API keys exist (issue 5) only loopback callers may use it.
    /// </summary>
    private static async Task<IResult> Leave(HttpContext http, ActorSystem system, CancellationToken ct)
    {
        if (http.Connection.RemoteIpAddress is not { } ip || !System.Net.IPAddress.IsLoopback(ip))
            return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", "cluster management is allowed only from loopback until admin keys are configured");
        var cluster = Cluster.Get(system);
        var target = cluster.SelfAddress;
        // An empty body (Content-Length 0 or none) means this node; any other body must be {"address"}.
        if (http.Request.ContentLength is not 0 && (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0))
        {
            try
            {
                using var doc = await BodyReader.ReadJsonAsync(http.Request, 4096, ct);
                if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                    return Problems.BadRequest("body must be a JSON object {\"address\"}");
                foreach (var p in doc.RootElement.EnumerateObject())
                    if (p.Name != "address") return Problems.BadRequest($"unknown field '{p.Name}'; known: address", p.Name);
                if (doc.RootElement.TryGetProperty("address", out var a) && a.ValueKind != System.Text.Json.JsonValueKind.Null)
                {
                    if (a.ValueKind != System.Text.Json.JsonValueKind.String) return Problems.BadRequest("address must be a string like akka.tcp://jobs@host:port", "address");
                    try
                    {
                        target = Address.Parse(a.GetString()!);
                    }
                    catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
                    {
                        return Problems.BadRequest($"address '{a.GetString()}' is not an Akka address like akka.tcp://jobs@host:port", "address");
                    }
                }
            }
            catch (RequestException e)
            {
                return e.ToResult();
            }
        }
        var member = cluster.State.Members.FirstOrDefault(m => m.Address == target);
        if (member is null) return Problems.NotFound($"{target} is not a member of this cluster");
        if (member.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining))
            return Problems.Conflict($"{target} is {member.Status.ToString().ToLowerInvariant()}; only a member that is up can leave");
        cluster.Leave(target);
        return Results.Json(new { address = target.ToString(), status = "leaving" }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }
}
