using System.Net;
using System.Text;
using System.Text.Json;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;
using Jobs.Handlers.Testing;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Jobs.Tests.Handlers;

/// <summary>
/// What an <c>http</c> job may not do, each against a real HTTP server on loopback that records
/// every request it gets: split its request with CR/LF, set Host or hop-by-hop headers, reach a
/// port the allow-list does not name, reach a loopback address through a host name, or leak the
/// credentials of its URL.
/// </summary>
public sealed class HttpJobGuardTests
{
    private static HttpJobSettings Allow(params string[] hosts) => new() { AllowedHosts = hosts };

    private static JsonElement Json(object payload) => JsonSerializer.SerializeToElement(payload);

    [Fact]
    public async Task A_CR_LF_in_a_header_value_is_refused_and_no_second_request_reaches_the_server()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) => await http.Response.WriteAsync("ok"));
        var port = server.BaseAddress.Port;
        var payload = new
        {
            method = "GET",
            url = new Uri(server.BaseAddress, "/hook").ToString(),
            headers = new Dictionary<string, string> { ["X-Note"] = $"a\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n" },
        };
        var handler = new HttpHandler(Allow($"127.0.0.1:{port}"));

        var run = await HandlerTestKit.RunAsync(handler, payload);

        Assert.DoesNotContain(server.Requests, r => r.Path == "/smuggled");
        Assert.Empty(server.Requests);
        var error = Assert.IsType<PermanentJobException>(run.Error);
        Assert.Contains("CR and LF are refused", error.Message);
        Assert.Contains("CR and LF are refused", handler.ValidatePayload(Json(payload))); // a 400 at submission
    }

    [Theory]
    [InlineData("Host", "internal.example")]
    [InlineData("host", "internal.example")]
    [InlineData("Connection", "close")]
    [InlineData("Keep-Alive", "timeout=5")]
    [InlineData("Proxy-Authorization", "Basic eDp5")]
    [InlineData("Proxy-Connection", "keep-alive")]
    [InlineData("TE", "trailers")]
    [InlineData("Trailer", "X-Checksum")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Upgrade", "h2c")]
    [InlineData("Content-Length", "0")]
    [InlineData("X Note", "space in the name")]
    [InlineData("X-Note:", "colon in the name")]
    [InlineData("X-Note\r\nX-Injected", "CRLF in the name")]
    [InlineData("", "empty name")]
    [InlineData("X-Note", "line\nfeed")]
    [InlineData("X-Note", "carriage\rreturn")]
    [InlineData("X-Note", "nul\0byte")]
    [InlineData("X-Note", "del\u007fbyte")]
    [InlineData("X-Note", "non-ascii é")]
    public async Task Host_hop_by_hop_and_malformed_headers_are_refused_before_any_connection(string name, string value)
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) => await http.Response.WriteAsync("ok"));
        var payload = new { url = server.BaseAddress.ToString(), headers = new Dictionary<string, string> { [name] = value } };
        var handler = new HttpHandler(Allow($"127.0.0.1:{server.BaseAddress.Port}"));

        var run = await HandlerTestKit.RunAsync(handler, payload);

        Assert.Empty(server.Requests);
        Assert.StartsWith("payload.headers: ", Assert.IsType<PermanentJobException>(run.Error).Message);
        Assert.StartsWith("payload.headers: ", handler.ValidatePayload(Json(payload)));
        Assert.DoesNotContain("\n", handler.ValidatePayload(Json(payload))!);
    }

    [Fact]
    public async Task Ordinary_headers_are_sent_as_given()
    {
        string? seen = null;
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            seen = $"{http.Request.Headers["X-Trace"]}|{http.Request.Headers.Authorization}|{http.Request.Headers.Accept}";
            await http.Response.WriteAsync("ok");
        });
        var payload = new
        {
            url = server.BaseAddress.ToString(),
            headers = new Dictionary<string, string> { ["X-Trace"] = "a\tb", ["Authorization"] = "Bearer t0k3n", ["Accept"] = "text/plain" },
        };
        var handler = new HttpHandler(Allow($"127.0.0.1:{server.BaseAddress.Port}"));

        Assert.Null(handler.ValidatePayload(Json(payload)));
        Assert.Null((await HandlerTestKit.RunAsync(handler, payload)).Error);
        Assert.Equal("a\tb|Bearer t0k3n|text/plain", seen);
    }

    [Fact]
    public async Task An_entry_without_a_port_allows_only_the_schemes_default_port()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) => await http.Response.WriteAsync("ok"));
        var port = server.BaseAddress.Port;
        var payload = new { url = server.BaseAddress.ToString() };

        var withoutPort = new HttpHandler(Allow("127.0.0.1"));
        var refused = await HandlerTestKit.RunAsync(withoutPort, payload);
        Assert.Contains($"127.0.0.1:{port} is not allowed", Assert.IsType<PermanentJobException>(refused.Error).Message);
        Assert.NotNull(withoutPort.ValidatePayload(Json(payload)));
        Assert.Empty(server.Requests);

        var withPort = new HttpHandler(Allow($"127.0.0.1:{port}"));
        Assert.Null(withPort.ValidatePayload(Json(payload)));
        Assert.Null((await HandlerTestKit.RunAsync(withPort, payload)).Error);
        Assert.Single(server.Requests);

        var list = HttpAllowList.Parse(["api.example.com", "hooks.example.org:8443", "[2001:db8::1]:8080", "*.svc.example:9000"]);
        Assert.True(list.AllowsUrl(new Uri("https://api.example.com/")));
        Assert.True(list.AllowsUrl(new Uri("http://API.example.com/x")));
        Assert.False(list.AllowsUrl(new Uri("https://api.example.com:8443/")));
        Assert.False(list.AllowsUrl(new Uri("http://api.example.com:8080/")));
        Assert.True(list.AllowsUrl(new Uri("https://hooks.example.org:8443/")));
        Assert.False(list.AllowsUrl(new Uri("https://hooks.example.org/")));
        Assert.True(list.AllowsUrl(new Uri("http://[2001:db8::1]:8080/")));
        Assert.False(list.AllowsUrl(new Uri("http://[2001:db8::1]/")));
        Assert.True(list.AllowsUrl(new Uri("http://a.svc.example:9000/")));
        Assert.False(list.AllowsUrl(new Uri("http://a.svc.example:9001/")));
    }

    [Theory]
    [InlineData("http://api.example.com")]
    [InlineData("api.example.com/path")]
    [InlineData("api.example.com:0")]
    [InlineData("api.example.com:65536")]
    [InlineData("api.example.com:http")]
    [InlineData("[::1")]
    [InlineData("[::1]8080")]
    [InlineData("1.2.3.400")]
    [InlineData("user@api.example.com")]
    public void A_malformed_allow_list_entry_stops_the_node_with_a_message_that_names_it(string entry)
    {
        var e = Assert.Throws<FormatException>(() => HttpAllowList.Parse(["ok.example.com", entry]));
        Assert.Contains($"JOBS_HTTP_ALLOWED_HOSTS entry '{entry}' is invalid", e.Message);
        Assert.Single(Allow(entry).Validate(new System.ComponentModel.DataAnnotations.ValidationContext(Allow(entry))));
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_loopback_address_is_refused_at_connect_time_unless_the_address_is_named()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) => await http.Response.WriteAsync("ok"));
        var port = server.BaseAddress.Port;
        var payload = new { url = $"http://internal.example:{port}/hook" };
        var resolved = 0;
        // what a DNS answer (or a rebinding attacker's) says at the moment of the connection
        Task<IPAddress[]> Resolve(string host, CancellationToken _)
        {
            Interlocked.Increment(ref resolved);
            return Task.FromResult(host == "internal.example" ? new[] { IPAddress.Loopback } : []);
        }
        HttpHandler HandlerFor(params string[] hosts) => new(Allow(hosts), new HttpJobClient(Allow(hosts), Resolve));

        var byName = HandlerFor($"internal.example:{port}");
        Assert.Null(byName.ValidatePayload(Json(payload))); // the name is allowed: nothing is resolved at submission
        var refused = await HandlerTestKit.RunAsync(byName, payload);
        var error = Assert.IsType<PermanentJobException>(refused.Error);
        Assert.Contains("'internal.example' resolves to 127.0.0.1, a loopback address", error.Message);
        Assert.Empty(server.Requests);
        Assert.Equal(1, resolved);

        var addressNamed = await HandlerTestKit.RunAsync(HandlerFor($"internal.example:{port}", $"127.0.0.1:{port}"), payload);
        Assert.Null(addressNamed.Error);
        Assert.Single(server.Requests);

        var otherPortNamed = await HandlerTestKit.RunAsync(HandlerFor($"internal.example:{port}", "127.0.0.1"), payload);
        Assert.IsType<PermanentJobException>(otherPortNamed.Error);

        var literal = await HandlerTestKit.RunAsync(new HttpHandler(Allow($"127.0.0.1:{port}")), new { url = server.BaseAddress.ToString() });
        Assert.Null(literal.Error);

        var localhost = await HandlerTestKit.RunAsync(new HttpHandler(Allow($"localhost:{port}")), new { url = $"http://localhost:{port}/" });
        Assert.Null(localhost.Error);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("169.254.10.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("100.100.100.200", "shared (carrier-grade NAT)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("64:ff9b::a9fe:a9fe", "cloud metadata")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("8.8.8.8", null)]
    [InlineData("172.32.0.1", null)]
    [InlineData("192.169.0.1", null)]
    [InlineData("2001:4860:4860::8888", null)]
    public void Special_addresses_are_classified_and_public_ones_are_not(string address, string? kind) =>
        Assert.Equal(kind, HttpAddressRanges.Kind(IPAddress.Parse(address)));

    [Fact]
    public async Task Credentials_in_the_url_are_sent_as_basic_auth_and_never_appear_in_an_error()
    {
        string? authorization = null;
        await using var server = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            authorization = http.Request.Headers.Authorization;
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync("no such hook");
        });
        var port = server.BaseAddress.Port;
        var handler = new HttpHandler(Allow($"127.0.0.1:{port}", "127.0.0.1:1"));

        var answered = await HandlerTestKit.RunAsync(handler, new { url = $"http://deploy:s3cr%40t@127.0.0.1:{port}/hook" });
        var refused = await HandlerTestKit.RunAsync(handler, new { url = "http://deploy:s3cr%40t@127.0.0.1:1/hook" }); // nothing listens
        var toInternal = Allow("internal.example");
        var blocked = await HandlerTestKit.RunAsync(new HttpHandler(toInternal, new HttpJobClient(toInternal, (_, _) => Task.FromResult(new[] { IPAddress.Parse("10.0.0.7") }))),
            new { url = "http://deploy:s3cr%40t@internal.example/" });

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("deploy:s3cr@t")), authorization);
        Assert.Equal("/hook", server.Requests.Single().Path);
        Assert.Contains($"GET http://***@127.0.0.1:{port}/hook answered 404", Assert.IsType<PermanentJobException>(answered.Error).Message);
        Assert.Contains("GET http://***@127.0.0.1:1/hook failed", Assert.IsType<TransientJobException>(refused.Error).Message);
        Assert.Contains("GET http://***@internal.example/ refused: 'internal.example' resolves to 10.0.0.7, a private address", Assert.IsType<PermanentJobException>(blocked.Error).Message);
        foreach (var e in new[] { answered.Error!, refused.Error!, blocked.Error! })
        {
            Assert.DoesNotContain("s3cr", e.ToString());
            Assert.DoesNotContain("deploy", e.ToString());
        }
    }
}
