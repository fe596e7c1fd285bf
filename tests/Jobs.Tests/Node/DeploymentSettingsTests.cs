using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// What the container deployment relies on: JOBS_CLUSTER_HOST=auto, JOBS_AKKA_HOCON, the
/// health-check command, the cluster-cert command, and example settings that do not run.
/// </summary>
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

    [Fact]
    public async Task The_admin_key_of_the_example_settings_stops_the_node_saying_how_to_make_one()
    {
        var example = await File.ReadAllLinesAsync(Path.Combine(TestPaths.RepoRoot, "docker", ".env.example"));
        var keys = example.Single(l => l.StartsWith("JOBS_API_KEYS=", StringComparison.Ordinal))["JOBS_API_KEYS=".Length..];
        var e = await NodeStartFailure.ExpectAsync("node-examplekey", output, new Dictionary<string, string> { ["JOBS_API_KEYS"] = keys });
        Assert.Contains("JOBS_API_KEYS entry 1: the key is the placeholder of docker/.env.example; make a real one, e.g. `openssl rand -hex 32`", e.Message);
        Assert.DoesNotContain(keys.Split(':')[0], e.Message);
    }

    [Fact]
    public async Task Cluster_cert_makes_the_certificate_once_keeps_it_after_and_refuses_another_password()
    {
        var dir = TestPaths.NewTempDir("cluster-cert");
        var file = Path.Combine(dir, "cluster.p12");
        var (made, madeOut, _) = await ClusterCert(file, "first-password-0123");
        Assert.Equal(0, made);
        Assert.Contains("made: CN=jobs-cluster", madeOut);
        var bytes = await File.ReadAllBytesAsync(file);
        using (var cert = X509CertificateLoader.LoadPkcs12(bytes, "first-password-0123"))
        {
            Assert.True(cert.HasPrivateKey);
            Assert.Equal(cert.Subject, cert.Issuer); // self-signed: the nodes share it
            Assert.True(cert.NotAfter > DateTime.Now.AddYears(4));
        }
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var (kept, keptOut, _) = await ClusterCert(file, "first-password-0123");
        Assert.Equal(0, kept);
        Assert.Contains("kept", keptOut);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file));

        var (refused, _, err) = await ClusterCert(file, "another-password-0123");
        Assert.Equal(1, refused);
        Assert.Contains("does not open with JOBS_CLUSTER_TLS_CERT_PASSWORD", err);
        Assert.DoesNotContain("another-password-0123", err);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file));

        var (noPassword, _, why) = await ClusterCert(Path.Combine(dir, "other.p12"), "");
        Assert.Equal(1, noPassword);
        Assert.Contains("JOBS_CLUSTER_TLS_CERT_PASSWORD is empty: make one, e.g. `openssl rand -hex 24`", why);
        Assert.False(File.Exists(Path.Combine(dir, "other.p12")));
    }

    [Fact]
    public async Task A_cluster_certificate_with_the_wrong_password_stops_the_node_without_echoing_it()
    {
        var dir = TestPaths.NewTempDir("node-badtls");
        using var cert = TestCertificates.SelfSigned("CN=jobs-cluster");
        var file = TestCertificates.WritePkcs12(cert, dir, "cluster.p12", "right-password-0123");
        var e = await NodeStartFailure.ExpectAsync("node-badtls", output, new Dictionary<string, string>
        {
            ["JOBS_CLUSTER_TLS_CERT"] = file,
            ["JOBS_CLUSTER_TLS_CERT_PASSWORD"] = "wrong-password-0123",
        });
        Assert.Contains($"JOBS_CLUSTER_TLS_CERT='{file}' could not be read as a PKCS#12 file with JOBS_CLUSTER_TLS_CERT_PASSWORD", e.Message);
        Assert.DoesNotContain("wrong-password-0123", e.Message);
    }

    /// <summary>Runs <c>Cluster.Node healthcheck url</c> the way the image's HEALTHCHECK does.</summary>
    private static async Task<(int Code, string Err)> HealthCheck(string url)
    {
        var (code, _, err) = await RunNodeCommand([TestPaths.NodeDll, "healthcheck", url], []);
        return (code, err);
    }

    /// <summary>Runs <c>Cluster.Node cluster-cert file</c> the way the compose file's certs service does.</summary>
    private static Task<(int Code, string Out, string Err)> ClusterCert(string file, string password) =>
        RunNodeCommand([TestPaths.NodeDll, "cluster-cert", file], new() { ["JOBS_CLUSTER_TLS_CERT_PASSWORD"] = password });

    private static async Task<(int Code, string Out, string Err)> RunNodeCommand(string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("dotnet", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(deadline.Token);
        return (p.ExitCode, await stdout, await err);
    }
}
