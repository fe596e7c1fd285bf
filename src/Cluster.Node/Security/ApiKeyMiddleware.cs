using System.Net;
using Jobs.Node.Api;

namespace Jobs.Node.Security;

/// <summary>
/// Guards every <c>/api</c> route. With keys configured: <c>Authorization: Bearer &lt;key&gt;</c>
/// is required (401 without or with an unknown key), and the key's role must allow the route
/// (403 otherwise; management, reads included, needs <c>admin</c>, changes need <c>submit</c>).
/// Without keys: only loopback callers are served (403 for others), each as admin of the default
/// tenant; a node with <c>JOBS_TRUST_LOOPBACK=false</c> does not start without keys. What is
/// outside /api stays open: /metrics, /healthz, /readyz and the OpenAPI document
/// (<see cref="ApiDocument.Path"/>, which describes routes and holds no data).
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeys keys)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        var (principal, failure) = Authenticate(http);
        if (failure is not null)
        {
            await failure.ExecuteAsync(http);
            return;
        }
        var needed = Required(http.Request.Method, http.Request.Path);
        if (!principal!.Allows(needed))
        {
            await Problems.Of(StatusCodes.Status403Forbidden, "Forbidden",
                $"this route needs a key with role {needed.ToString().ToLowerInvariant()}; the key presented has role {principal.Role.ToString().ToLowerInvariant()}").ExecuteAsync(http);
            return;
        }
        http.Items[ApiPrincipal.ItemKey] = principal;
        await next(http);
    }

    private (ApiPrincipal? Principal, IResult? Failure) Authenticate(HttpContext http)
    {
        if (!keys.Configured)
            return http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                ? (ApiPrincipal.Loopback, null)
                : (null, Problems.Of(StatusCodes.Status403Forbidden, "Forbidden",
                    "no API keys are configured (JOBS_API_KEYS), so this node answers loopback callers only"));
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            return (null, Unauthorized("send Authorization: Bearer <key>"));
        return keys.Find(header[7..].Trim()) is { } p ? (p, null) : (null, Unauthorized("the key is not valid"));
    }

    private static IResult Unauthorized(string detail) => new Challenge(Problems.Of(StatusCodes.Status401Unauthorized, "Unauthorized", detail));

    /// <summary>
    /// Management (cluster, nodes, queues, limits, the actor tree), reads and changes alike: admin, as its answers name
    /// every tenant's running jobs and batches. Other changes: submit. Other reads: read.
    /// </summary>
    public static ApiRole Required(string method, PathString path)
    {
        if (ManagementRoutes.Any(r => path.StartsWithSegments(r))) return ApiRole.Admin;
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? ApiRole.Read : ApiRole.Submit;
    }

    private static readonly string[] ManagementRoutes = ["/api/cluster", "/api/nodes", "/api/actors", "/api/queues", "/api/limits"];

    private sealed class Challenge(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
