namespace Jobs.Node.Hosting;

/// <summary>
/// <c>Cluster.Node healthcheck [url]</c>: asks a node's /healthz and exits 0 when it answers 2xx,
/// 1 otherwise — the container health check (runtime images have no curl).
/// </summary>
public static class HealthCheckCommand
{
    public const string Name = "healthcheck";
    public const string DefaultUrl = "http://127.0.0.1:5080/healthz";

    /// <summary>Below docker's health-check timeout, so a hung node is reported unhealthy rather than timed out.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl;
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode) return 0;
            await Console.Error.WriteLineAsync($"unhealthy: {url} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"unhealthy: {url}: {e.Message}");
        }
        return 1;
    }
}
