using Akka.Actor;
using Akka.Cluster;
using Jobs.Actors.Hosting;

namespace Jobs.Node.Api;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        app.MapGet("/readyz", async (ActorSystem system, JobEngineOptions options, CancellationToken ct) =>
        {
            var problems = new List<string>();
            var self = Cluster.Get(system).SelfMember;
            if (self.Status != MemberStatus.Up) problems.Add($"cluster member is {self.Status}, not Up");
            try
            {
                await using var c = JobsAkkaConfig.JournalConnection(options);
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
        });
    }
}
