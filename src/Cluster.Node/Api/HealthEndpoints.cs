using Akka.Actor;
using Akka.Cluster;
using Jobs.Actors.Placement;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;

namespace Jobs.Node.Api;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }))
            .WithTags("health").WithName("liveness").WithSummary("Liveness: the process serves HTTP; no key needed")
            .Produces<Schemas.Health>();
        app.MapGet("/readyz", async (ActorSystem system, JobsOptions options, Akka.Hosting.ActorRegistry registry, CancellationToken ct) =>
        {
            var problems = new List<string>();
            var capacity = await registry.GetAsync<NodeCapacity>(ct);
            var gate = await capacity.Ask<CapacityStatus>(GetCapacity.Instance, ClusterEndpoints.AskTimeout, ct);
            if (gate.Degraded)
                problems.Add($"degraded: memory {gate.MemoryBytes >> 20} MiB is above the high-watermark {gate.MemoryHighBytes >> 20} MiB; starting no new jobs until under {gate.MemoryLowBytes >> 20} MiB");
            var self = Cluster.Get(system).SelfMember;
            if (self.Status != MemberStatus.Up) problems.Add($"cluster member is {self.Status}, not Up");
            try
            {
                await using var c = options.Storage.JournalConnection();
                await c.OpenAsync(ct);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT 1;";
                await cmd.ExecuteScalarAsync(ct);
            }
            catch (Exception e)
            {
                problems.Add("journal unreachable: " + e.Message);
            }
            return problems.Count == 0
                ? Results.Json(new { status = "ready", member = self.Address.ToString() })
                : Problems.Unavailable(string.Join("; ", problems));
        }).WithTags("health").WithName("readiness")
            .WithSummary("Readiness: an up cluster member whose journal answers and whose memory guard holds nothing back; no key needed")
            .Produces<Schemas.Health>().ProducesProblems(503);
    }
}
