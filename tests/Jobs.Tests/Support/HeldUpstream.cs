using Microsoft.AspNetCore.Http;

namespace Jobs.Tests.Support;

/// <summary>
/// A real HTTP server on loopback whose answers wait until the test releases them: <c>http</c> jobs
/// calling it stay running until then, so a test can act (kill, freeze) while they certainly run,
/// whatever the speed of the machine. Nodes need <see cref="NodeEnv"/> to call it.
/// </summary>
public sealed class HeldUpstream : IAsyncDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackHttpServer _server = null!;

    /// <summary>Allows this upstream's loopback address and port (a loopback address is reachable only when named).</summary>
    public Dictionary<string, string> NodeEnv => new() { ["JOBS_HTTP_ALLOWED_HOSTS"] = $"127.0.0.1:{_server.BaseAddress.Port}" };

    public static async Task<HeldUpstream> StartAsync()
    {
        var upstream = new HeldUpstream();
        upstream._server = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            await upstream._release.Task.WaitAsync(TimeSpan.FromSeconds(120));
            await http.Response.WriteAsync("ok");
        });
        return upstream;
    }

    /// <summary>An <c>http</c> job calling this upstream (its attempt may wait up to 120 s).</summary>
    public object Job(string path, int priority = 0) => new
    {
        type = "http",
        priority,
        payload = new { method = "GET", url = new Uri(_server.BaseAddress, path).ToString(), timeoutMs = 120_000 },
    };

    /// <summary>Answers every held call and every later one.</summary>
    public void Release() => _release.TrySetResult();

    public ValueTask DisposeAsync()
    {
        Release();
        return _server.DisposeAsync();
    }
}
