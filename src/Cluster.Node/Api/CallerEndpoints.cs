using Jobs.Node.Api.Schemas;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>GET /api/whoami: who the key presented is (the dashboard shows actions by it).</summary>
public static class CallerEndpoints
{
    public static void MapCallerEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/whoami", (HttpContext http, ApiKeys keys) =>
        {
            var p = http.Principal();
            return Results.Json(new Caller(p.Tenant, p.Role.ToString().ToLowerInvariant(), keys.Configured), ApiJson.Options);
        }).WithTags("keys").WithName("whoAmI").WithSummary("The tenant and role of the key presented")
            .Produces<Caller>();
}
