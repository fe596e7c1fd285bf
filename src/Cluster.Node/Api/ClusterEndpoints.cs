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
}
