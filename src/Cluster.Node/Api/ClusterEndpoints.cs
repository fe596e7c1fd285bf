using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Jobs.Actors.Hosting;
using Jobs.Actors.Observability;
using Jobs.Actors.Placement;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;

namespace Jobs.Node.Api;

/// <summary>Cluster and nodes management of docs/api.md (who may call what: <see cref="Security.ApiKeyMiddleware"/>).</summary>
public static class ClusterEndpoints
{
    public const string PartitionRegion = JobEngineHosting.PartitionRegion;

    /// <summary>How long a management route waits for a local actor (the gate, the stats view).</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the sharding view waits for every region's answer (and the route for the whole of it).</summary>
    public static readonly TimeSpan ShardingStatsTimeout = TimeSpan.FromSeconds(5);

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
        }).WithTags("cluster").WithName("getCluster").WithSummary("Members and leader, as this node sees them")
            .Produces<ClusterState>();

        app.MapPost("/api/cluster/leave", Leave).WithTags("cluster").WithName("leaveCluster")
            .WithSummary("A member (default: the node called) leaves gracefully")
            .Accepts<MemberAddress>(isOptional: true, "application/json")
            .Produces<MemberChange>(StatusCodes.Status202Accepted).ProducesProblems(400, 404, 409, 413, 415);

        app.MapGet("/api/cluster/sharding", async (ActorSystem system, string? region, CancellationToken ct) =>
        {
            if (region is not null && region != PartitionRegion)
                return Problems.NotFound($"no shard region '{region}'; regions: {PartitionRegion}");
            var shards = ClusterSharding.Get(system).ShardRegion(PartitionRegion);
            var stats = await shards.Ask<ClusterShardingStats>(new GetClusterShardingStats(ShardingStatsTimeout), ShardingStatsTimeout * 2, ct);
            return Results.Json(new
            {
                regions = new[]
                {
                    new
                    {
                        entityType = PartitionRegion,
                        nodes = stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal).Select(r => new
                        {
                            address = r.Key.ToString(),
                            shards = r.Value.Stats.Count,
                            entities = r.Value.Stats.Values.Sum(),
                            shardIds = r.Value.Stats.Keys.OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray(),
                        }),
                    },
                },
            }, ApiJson.Options);
        }).WithTags("cluster").WithName("getSharding").WithSummary("Which node hosts which partitions")
            .Produces<ShardingState>().ProducesProblems(404, 503);

        app.MapPost("/api/cluster/down", Down).WithTags("cluster").WithName("downMember")
            .WithSummary("Mark a member down at once (for a node known to be dead)")
            .Accepts<MemberAddress>("application/json")
            .Produces<MemberChange>(StatusCodes.Status202Accepted).ProducesProblems(400, 404, 413, 415);
        app.MapPost("/api/cluster/down-unreachable", (ActorSystem system) =>
        {
            var cluster = Cluster.Get(system);
            var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToArray();
            foreach (var a in unreachable) cluster.Down(a);
            return Results.Json(new { downed = unreachable.Select(a => a.ToString()) }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
        }).WithTags("cluster").WithName("downUnreachable").WithSummary("Mark every unreachable member down")
            .Produces<DownedMembers>(StatusCodes.Status202Accepted);

        app.MapGet("/api/nodes", async (ActorRegistry registry, ActorSystem system, CancellationToken ct) =>
        {
            var view = await registry.GetAsync<NodeStatsView>(ct);
            var list = await view.Ask<NodeStatsList>(GetNodeStats.Instance, AskTimeout, ct);
            var members = Cluster.Get(system).State.Members.ToDictionary(m => m.Address.ToString(), m => m);
            return Results.Json(new
            {
                nodes = list.Nodes.Select(n => new
                {
                    address = n.Stats.Address,
                    status = members.TryGetValue(n.Stats.Address, out var m) ? m.Status.ToString().ToLowerInvariant() : "removed",
                    runningJobs = n.Stats.RunningJobs,
                    capacity = n.Stats.Capacity,
                    submitted = n.Stats.Submitted,
                    processed = n.Stats.Processed,
                    failed = n.Stats.Failed,
                    retried = n.Stats.Retried,
                    deadLettered = n.Stats.DeadLettered,
                    lastHeartbeat = n.LastHeartbeat,
                    stale = n.Stale,
                    degraded = n.Stats.Degraded,
                    uptimeSeconds = n.Stats.UptimeSeconds,
                    memoryBytes = n.Stats.MemoryBytes,
                    appVersion = n.Stats.AppVersion,
                    pending = n.Stats.Pending,
                    pickupP50Ms = n.Stats.PickupP50Ms,
                    pickupP99Ms = n.Stats.PickupP99Ms,
                }),
            }, ApiJson.Options);
        }).WithTags("nodes").WithName("listNodes").WithSummary("Every node's latest heartbeat stats")
            .Produces<NodeList>().ProducesProblems(503);

        app.MapGet("/api/nodes/series", async (ActorRegistry registry, CancellationToken ct) =>
        {
            var view = await registry.GetAsync<NodeStatsView>(ct);
            var series = await view.Ask<StatsSeriesList>(GetStatsSeries.Instance, AskTimeout, ct);
            return Results.Json(new { intervalSeconds = StatsSeries.Interval.TotalSeconds, points = series.Points }, ApiJson.Options);
        }).WithTags("nodes").WithName("getStatsSeries")
            .WithSummary("The cluster's totals over the last hour, one point per interval, as this node sampled the heartbeats")
            .Produces<StatsSeriesBody>().ProducesProblems(503);

        app.MapPost("/api/nodes/memory-guard", SetMemoryGuard).WithTags("nodes").WithName("setMemoryGuard")
            .WithSummary("This node's memory watermarks, until it restarts")
            .Accepts<MemoryGuardSettings>("application/json")
            .Produces<MemoryGuardState>().ProducesProblems(400, 413, 415, 503);

        app.MapGet("/api/actors", (ActorSystem system, int? depth) =>
        {
            var d = depth ?? 3;
            if (d is < 1 or > 10) return Problems.BadRequest("depth must be 1..10", "depth");
            var ext = (ExtendedActorSystem)system;
            return Results.Json(new
            {
                address = Cluster.Get(system).SelfAddress.ToString(),
                actors = new[] { ActorTree.Of(ext.Guardian, d), ActorTree.Of(ext.SystemGuardian, d) },
            }, ApiJson.Options);
        }).WithTags("nodes").WithName("getActors").WithSummary("This node's actor hierarchy (depth 1..10, default 3)")
            .Produces<ActorHierarchy>().ProducesProblems(400);
    }

    /// <summary>POST /api/cluster/down {"address"}: marks a member down (use for a node known dead; a live one shuts itself down).</summary>
    private static async Task<IResult> Down(HttpContext http, ActorSystem system, CancellationToken ct)
    {
        var cluster = Cluster.Get(system);
        var (target, error) = await ReadAddress(http, required: true, ct);
        if (error is not null) return error;
        if (cluster.State.Members.All(m => m.Address != target))
            return Problems.NotFound($"{target} is not a member of this cluster");
        cluster.Down(target!);
        return Results.Json(new { address = target!.ToString(), status = "down" }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The largest watermark in MiB whose byte count fits a long.</summary>
    private const long MaxWatermarkMb = long.MaxValue >> 20;

    /// <summary>POST /api/nodes/memory-guard {"highMb", "lowMb"?}: this node's memory watermarks (0: off).</summary>
    private static async Task<IResult> SetMemoryGuard(HttpContext http, ActorRegistry registry, CancellationToken ct)
    {
        long high;
        long? low = null;
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(http.Request, 4096, ct);
            var root = doc.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object) return Problems.BadRequest("body must be a JSON object {\"highMb\", \"lowMb\"?}");
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("highMb" or "lowMb")) return Problems.BadRequest($"unknown field '{p.Name}'; known: highMb, lowMb", p.Name);
            if (!root.TryGetProperty("highMb", out var h) || h.ValueKind != System.Text.Json.JsonValueKind.Number || !h.TryGetInt64(out high) || high is < 0 or > MaxWatermarkMb)
                return Problems.BadRequest("highMb must be a whole number of MiB ≥ 0 (0 turns the guard off)", "highMb");
            if (root.TryGetProperty("lowMb", out var l) && l.ValueKind != System.Text.Json.JsonValueKind.Null)
            {
                if (l.ValueKind != System.Text.Json.JsonValueKind.Number || !l.TryGetInt64(out var lv) || lv is < 0 or > MaxWatermarkMb || (high > 0 && lv > high))
                    return Problems.BadRequest("lowMb must be a whole number of MiB between 0 and highMb", "lowMb");
                low = lv << 20;
            }
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        var capacity = await registry.GetAsync<NodeCapacity>(ct);
        var status = await capacity.Ask<CapacityStatus>(new SetMemoryWatermark(high << 20, low), AskTimeout, ct);
        return Results.Json(new
        {
            highMb = status.MemoryHighBytes >> 20,
            lowMb = status.MemoryLowBytes >> 20,
            memoryMb = status.MemoryBytes >> 20,
            degraded = status.Degraded,
        }, ApiJson.Options);
    }

    /// <summary>
    /// POST /api/cluster/leave {"address"?}: the member (default: this node) leaves gracefully —
    /// CoordinatedShutdown drains its running jobs, hands its partitions off and exits 0.
    /// </summary>
    private static async Task<IResult> Leave(HttpContext http, ActorSystem system, CancellationToken ct)
    {
        var cluster = Cluster.Get(system);
        var (address, error) = await ReadAddress(http, required: false, ct);
        if (error is not null) return error;
        var target = address ?? cluster.SelfAddress;
        var member = cluster.State.Members.FirstOrDefault(m => m.Address == target);
        if (member is null) return Problems.NotFound($"{target} is not a member of this cluster");
        if (member.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining))
            return Problems.Conflict($"{target} is {member.Status.ToString().ToLowerInvariant()}; only a member that is up can leave");
        cluster.Leave(target);
        return Results.Json(new { address = target.ToString(), status = "leaving" }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The body {"address"}: absent/empty body gives null unless <paramref name="required"/>.</summary>
    private static async Task<(Address? Address, IResult? Error)> ReadAddress(HttpContext http, bool required, CancellationToken ct)
    {
        var hasBody = http.Request.ContentLength is > 0 || (http.Request.ContentLength is null && http.Request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
            return required ? (null, Problems.BadRequest("body must be a JSON object {\"address\": \"akka.tcp://jobs@host:port\"}", "address")) : (null, null);
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(http.Request, 4096, ct);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                return (null, Problems.BadRequest("body must be a JSON object {\"address\"}"));
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Name != "address") return (null, Problems.BadRequest($"unknown field '{p.Name}'; known: address", p.Name));
            if (!doc.RootElement.TryGetProperty("address", out var a) || a.ValueKind == System.Text.Json.JsonValueKind.Null)
                return required ? (null, Problems.BadRequest("address is required", "address")) : (null, null);
            if (a.ValueKind != System.Text.Json.JsonValueKind.String)
                return (null, Problems.BadRequest("address must be a string like akka.tcp://jobs@host:port", "address"));
            try
            {
                return (Address.Parse(a.GetString()!), null);
            }
            catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
            {
                return (null, Problems.BadRequest($"address '{a.GetString()}' is not an Akka address like akka.tcp://jobs@host:port", "address"));
            }
        }
        catch (RequestException e)
        {
            return (null, e.ToResult());
        }
    }
}
