namespace Jobs.Node.Hosting;

/// <summary>The HTTP edge's fixed values.</summary>
public static class NodeDefaults
{
    /// <summary>Where the API listens unless ASPNETCORE_URLS (or --urls) says otherwise: loopback only.</summary>
    public const string Urls = "http://localhost:5080";

    /// <summary>Kestrel's cap on any request body; each route caps its own lower (a job 2 MiB, a batch 32 MiB).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024 * 1024;
}
