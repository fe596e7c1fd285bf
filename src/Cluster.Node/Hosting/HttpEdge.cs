namespace Jobs.Node.Hosting;

/// <summary>Kestrel and endpoint settings of the API: body and request-line limits, and binding failures that reach the problem middleware.</summary>
public static class HttpEdge
{
    public static WebApplicationBuilder ConfigureHttpEdge(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = NodeDefaults.MaxRequestBodyBytes;
            k.Limits.MaxRequestLineSize = NodeDefaults.KestrelMaxRequestLineBytes;
            k.Limits.MaxRequestHeadersTotalSize = NodeDefaults.KestrelMaxRequestHeadersBytes;
        });
        // A query parameter that does not bind (?depth=deep) throws, so the problem middleware answers it
        // with the framework's message; otherwise it is a 400 with an empty body.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }
}
