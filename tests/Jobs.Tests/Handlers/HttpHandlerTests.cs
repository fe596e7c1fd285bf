using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;
using Jobs.Handlers.Testing;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Jobs.Tests.Handlers;

/// <summary>The http job type against a real HTTP server on loopback (run with the handler test kit).</summary>
public sealed class HttpHandlerTests
{
    /// <summary>The server's own address and port, named explicitly (a loopback address is reachable only so).</summary>
    private static HttpJobSettings Allow(LoopbackHttpServer server, int maxResponseBytes = 16) =>
        new() { AllowedHosts = [$"127.0.0.1:{server.BaseAddress.Port}"], MaxResponseBytes = maxResponseBytes };

    [Fact]
    public async Task A_host_outside_the_allow_list_fails_permanent_without_any_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var handler = new HttpHandler(new HttpJobSettings { AllowedHosts = ["api.example.com", "*.hooks.example.org"] });

        var run = await HandlerTestKit.RunAsync(handler, new { method = "POST", url = $"http://127.0.0.1:{port}/hook" });

        var error = Assert.IsType<PermanentJobException>(run.Error);
        Assert.Contains($"127.0.0.1:{port} is not allowed", error.Message);
        Assert.False(listener.Pending(), "a connection was made");
        Assert.NotNull(handler.ValidatePayload(JsonDocument.Parse($$"""{"url":"http://127.0.0.1:{{port}}/"}""").RootElement)); // and a 400 at submission
        Assert.True(HttpAllowList.Parse(["*.hooks.example.org"]).AllowsUrl(new Uri("https://a.hooks.example.org/")));
        Assert.False(HttpAllowList.Parse(["*.hooks.example.org"]).AllowsUrl(new Uri("https://evilhooks.example.org/")));
        Assert.False(HttpJobSettings.DenyAll.AllowList.AllowsUrl(new Uri("http://localhost/")));
    }

    [Fact]
    public async Task An_allowed_call_returns_status_headers_and_the_body_capped_at_the_limit()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (http, body) =>
        {
            http.Response.Headers["X-Seen"] = body;
            await http.Response.WriteAsync("0123456789abcdefghij"); // 20 bytes, limit 16
        });
        var run = await HandlerTestKit.RunAsync(new HttpHandler(Allow(server)),
            new { method = "POST", url = new Uri(server.BaseAddress, "/hook?x=1").ToString(), body = new { order = 7 } });

        Assert.Null(run.Error);
        var result = JsonDocument.Parse(run.ResultJson!).RootElement;
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("0123456789abcdef", result.GetProperty("body").GetString());
        Assert.True(result.GetProperty("truncated").GetBoolean());
        Assert.Equal("""{"order":7}""", result.GetProperty("headers").GetProperty("x-seen").GetString());
        Assert.Equal(("POST", "/hook?x=1"), (server.Requests.Single().Method, server.Requests.Single().Path));
    }

    [Theory]
    [InlineData(503, "2", typeof(TransientJobException), 2)]
    [InlineData(429, "1", typeof(TransientJobException), 1)]
    [InlineData(500, null, typeof(TransientJobException), null)]
    [InlineData(404, null, typeof(PermanentJobException), null)]
    [InlineData(400, null, typeof(PermanentJobException), null)]
    public async Task Server_errors_and_throttling_are_transient_with_their_retry_after_other_4xx_permanent(int status, string? retryAfter, Type expected, int? retrySeconds)
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            http.Response.StatusCode = status;
            if (retryAfter is not null) http.Response.Headers.RetryAfter = retryAfter;
            await http.Response.WriteAsync("no");
        });
        var run = await HandlerTestKit.RunAsync(new HttpHandler(Allow(server)), new { url = server.BaseAddress.ToString() });

        Assert.IsType(expected, run.Error);
        Assert.Equal(retrySeconds is { } s ? TimeSpan.FromSeconds(s) : null, (run.Error as TransientJobException)?.RetryAfter);
    }
}
