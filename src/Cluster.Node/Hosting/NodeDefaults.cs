namespace Jobs.Node.Hosting;

/// <summary>The HTTP edge's fixed values.</summary>
public static class NodeDefaults
{
    /// <summary>Where the API listens unless ASPNETCORE_URLS (or --urls) says otherwise: loopback only.</summary>
    public const string Urls = "http://localhost:5080";

    /// <summary>Kestrel's cap on any request body; each route caps its own lower (a job 2 MiB, a batch 32 MiB).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024 * 1024;

    /// <summary>The longest request target (path and query) the API reads; a longer one is a 414 problem.</summary>
    public const int MaxRequestTargetChars = 8 * 1024;

    /// <summary>The most header bytes the API reads; more is a 431 problem.</summary>
    public const int MaxRequestHeaderBytes = 32 * 1024;

    /// <summary>
    /// Kestrel's own request-line limit, above <see cref="MaxRequestTargetChars"/> so that the API
    /// answers the usual excess itself; past it Kestrel answers 414 with an empty body and closes
    /// the connection, before the application sees the request.
    /// </summary>
    public const int KestrelMaxRequestLineBytes = 64 * 1024;

    /// <summary>Kestrel's own header limit, above <see cref="MaxRequestHeaderBytes"/> (past it: 431, empty body, connection closed).</summary>
    public const int KestrelMaxRequestHeadersBytes = 128 * 1024;
}
