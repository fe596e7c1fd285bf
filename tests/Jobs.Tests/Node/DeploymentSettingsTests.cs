using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>What the container deployment relies on: JOBS_CLUSTER_HOST=auto, JOBS_AKKA_HOCON, the health-check command.</summary>
public sealed class DeploymentSettingsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Auto_host_advertises_a_local_address_hocon_overrides_win_and_the_health_check_answers()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-deploy"), output, new Dictionary<string, string>
        {
            ["JOBS_CLUSTER_HOST"] = "auto",
            // over Akka.Hosting's own cluster settings too (roles come from WithClustering)
            ["JOBS_AKKA_HOCON"] = "akka.cluster.roles = [default, from-hocon]",
        });
        var cluster = JsonDocument.Parse(await node.Http.GetStringAsync("/api/cluster")).RootElement;
        var self = cluster.GetProperty("self").GetString()!; // akka.tcp://jobs@host:port
        var host = self[(self.IndexOf('@') + 1)..self.LastIndexOf(':')];
        Assert.True(IPAddress.TryParse(host, out var ip), $"advertised host '{host}' is not an IP address");
        Assert.False(IPAddress.IsLoopback(ip));
        var local = NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address);
        Assert.Contains(ip, local);
        var roles = cluster.GetProperty("members")[0].GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("from-hocon", roles);

        var (healthy, _) = await HealthCheck(new Uri(node.Http.BaseAddress!, "/healthz").ToString());
        Assert.Equal(0, healthy);
        await using var failing = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            http.Response.StatusCode = 503;
            await http.Response.WriteAsync("starting");
        });
        var (unhealthy, err) = await HealthCheck(new Uri(failing.BaseAddress, "/healthz").ToString());
        Assert.Equal(1, unhealthy);
        Assert.Contains("answered 503", err);
    }

    [Fact]
    public async Task Invalid_hocon_override_stops_the_node_at_start_naming_the_setting()
    {
        var e = await NodeStartFailure.ExpectAsync("node-badhocon", output,
            new Dictionary<string, string> { ["JOBS_AKKA_HOCON"] = "akka.cluster.roles = }" });
        Assert.Contains("JOBS_AKKA_HOCON is not valid HOCON: no readable value for 'akka.cluster.roles'", e.Message);
    }

    /// <summary>Runs <c>Cluster.Node healthcheck url</c> the way the image's HEALTHCHECK does.</summary>
    private static async Task<(int Code, string Err)> HealthCheck(string url)
    {
        var psi = new ProcessStartInfo("dotnet", [TestPaths.NodeDll, "healthcheck", url]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(deadline.Token);
        return (p.ExitCode, await err);
    }
}
