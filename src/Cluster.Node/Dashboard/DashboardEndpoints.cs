using System.Net;
using Jobs.Node.Api;
using Jobs.Node.Security;

namespace Jobs.Node.Dashboard;

/// <summary>
/// The dashboard: one HTML shell for every page path (links and reloads work), its script and
/// stylesheet under <c>/ui/</c>, all embedded in this assembly. The pages hold no data; the app
/// reads the API with the key the user gave it (docs/architecture.md, "Dashboard").
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Scripts, styles and connections to this node only; no inline script, no framing, no form posts.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The page paths the shell answers.</summary>
    public static readonly string[] Pages = ["/", "/login", "/jobs", "/jobs/{id}", "/dlq", "/batches", "/batches/{id}", "/schedules", "/queues", "/limits", "/cluster", "/usage"];

    public const string AssetPrefix = "/ui/";

    private static readonly IReadOnlyDictionary<string, (byte[] Bytes, string ContentType)> Assets = LoadAssets();

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var page in Pages)
            app.MapGet(page, (HttpContext http, ApiKeys keys) => Serve(http, keys, "index.html")).ExcludeFromDescription();
        app.MapGet(AssetPrefix + "{file}", (string file, HttpContext http, ApiKeys keys) => Serve(http, keys, file)).ExcludeFromDescription();
    }

    /// <summary>Whether a route is one of the dashboard's (HTML and assets, not API).</summary>
    public static bool IsDashboardRoute(string path) => Pages.Contains(path) || path.StartsWith(AssetPrefix, StringComparison.Ordinal);

    private static IResult Serve(HttpContext http, ApiKeys keys, string file)
    {
        // Without keys the API answers loopback callers only; the dashboard shows itself to no one else either.
        if (!keys.Configured && !(http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)))
            return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", "no API keys are configured (JOBS_API_KEYS), so this node's dashboard answers loopback callers only");
        if (!Assets.TryGetValue(file, out var asset)) return Problems.NotFound($"no dashboard file '{file}'");
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static Dictionary<string, (byte[], string)> LoadAssets()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        const string prefix = "Jobs.Node.Dashboard.assets.";
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name[prefix.Length..];
            assets[file] = (copy.ToArray(), ContentTypeOf(file));
        }
        return assets;
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
