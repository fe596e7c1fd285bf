using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// Mutual TLS between real node processes (certificates made in the test): a node without the
/// cluster's certificate, or with another one, stays outside the cluster; a node with a trusted
/// certificate joins.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class ClusterTlsTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private static Dictionary<string, string> Tls(string cert, string password, string? ca = null)
    {
        var env = new Dictionary<string, string> { ["JOBS_CLUSTER_TLS_CERT"] = cert, ["JOBS_CLUSTER_TLS_CERT_PASSWORD"] = password };
        if (ca is not null) env["JOBS_CLUSTER_TLS_CA"] = ca;
        return env;
    }

    [Fact]
    public async Task With_one_cluster_certificate_a_node_without_it_and_one_with_another_stay_outside_and_one_with_it_joins()
    {
        var dir = TestPaths.NewTempDir("cluster-tls");
        using var clusterCert = TestCertificates.SelfSigned("CN=jobs-cluster");
        using var otherCert = TestCertificates.SelfSigned("CN=jobs-cluster"); // the same name, another key
        var cluster = Tls(TestCertificates.WritePkcs12(clusterCert, dir, "cluster.p12", "cluster-pw"), "cluster-pw");
        // The stranger trusts the cluster's (public) certificate, so its own side of the handshake
        // passes: what turns it away is the seed's check of the certificate it presents.
        var trustsBoth = Path.Combine(dir, "both.pem");
        await File.WriteAllTextAsync(trustsBoth, clusterCert.ExportCertificatePem() + "\n" + otherCert.ExportCertificatePem());
        var stranger = Tls(TestCertificates.WritePkcs12(otherCert, dir, "other.p12", "other-pw"), "other-pw", trustsBoth);

        _cluster = await TestCluster.StartAsync(postgres, output, count: 1, extraEnv: _ => cluster);
        var plain = await _cluster.AddNodeAsync(waitReady: false);
        await AssertRefusedAsync(_cluster, _cluster.LaunchNode(stranger), otherCert.Thumbprint);
        await Eventually.Until(() => Task.FromResult(_cluster.Nodes[plain].Log()), l => l.Contains($"Association failed with akka.tcp://jobs@{_cluster.NameOf(0)}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the plain node's association with the seed to fail");
        Assert.Contains("Rejected incoming connection", _cluster.Nodes[0].Log());
        Assert.Equal([_cluster.NameOf(0)], await MembersAsync(_cluster, 0));

        var member = await _cluster.AddNodeAsync(cluster);
        await AssertJoinedAsync(_cluster, member);
        Assert.False(_cluster.Nodes[plain].HasExited);
        Assert.DoesNotContain(_cluster.NameOf(0), await MembersAsync(_cluster, plain));
        Assert.DoesNotContain("cluster-pw", _cluster.Nodes[0].Log());
    }

    [Fact]
    public async Task With_a_ca_nodes_with_their_own_issued_certificates_join_and_one_issued_by_another_ca_stays_outside()
    {
        var dir = TestPaths.NewTempDir("cluster-tls-ca");
        using var authority = TestCertificates.Authority("CN=jobs-cluster-ca");
        using var otherAuthority = TestCertificates.Authority("CN=jobs-cluster-ca"); // the same name, another key
        using var seedCert = TestCertificates.IssuedBy(authority, "CN=node-0");
        using var memberCert = TestCertificates.IssuedBy(authority, "CN=node-1");
        using var strangerCert = TestCertificates.IssuedBy(otherAuthority, "CN=node-1");
        var ca = TestCertificates.WritePem(authority, dir, "ca.pem");
        var trustsBoth = Path.Combine(dir, "both.pem");
        await File.WriteAllTextAsync(trustsBoth, authority.ExportCertificatePem() + "\n" + otherAuthority.ExportCertificatePem());

        _cluster = await TestCluster.StartAsync(postgres, output, count: 1,
            extraEnv: _ => Tls(TestCertificates.WritePkcs12(seedCert, dir, "node0.p12", "pw0"), "pw0", ca));
        await AssertRefusedAsync(_cluster, _cluster.LaunchNode(Tls(TestCertificates.WritePkcs12(strangerCert, dir, "stranger.p12", "pw1"), "pw1", trustsBoth)),
            strangerCert.Thumbprint);
        Assert.Equal([_cluster.NameOf(0)], await MembersAsync(_cluster, 0));

        var member = await _cluster.AddNodeAsync(Tls(TestCertificates.WritePkcs12(memberCert, dir, "node2.p12", "pw2"), "pw2", ca));
        await AssertJoinedAsync(_cluster, member);
    }

    /// <summary>The stranger tried: the seed refused the certificate it presented.</summary>
    private static Task AssertRefusedAsync(TestCluster cluster, int stranger, string thumbprint) =>
        Eventually.Until(() => Task.FromResult(cluster.Nodes[0].Log()), l => l.Contains($"({thumbprint}) is not trusted by this cluster", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), $"the seed to refuse the certificate of {cluster.NameOf(stranger)}");

    private static async Task AssertJoinedAsync(TestCluster cluster, int member)
    {
        await cluster.WaitMembersUpAsync(2);
        string[] both = [.. new[] { cluster.NameOf(0), cluster.NameOf(member) }.Order()];
        Assert.Equal(both, (await MembersAsync(cluster, 0)).Order());
        Assert.Equal(both, (await MembersAsync(cluster, member)).Order());
        using var self = JsonDocument.Parse(await cluster.Nodes[0].Http.GetStringAsync("/api/cluster"));
        Assert.StartsWith("akka.ssl.tcp://", self.RootElement.GetProperty("self").GetString());
    }

    /// <summary>The members node <paramref name="via"/> knows, as host:port.</summary>
    private static async Task<List<string>> MembersAsync(TestCluster cluster, int via)
    {
        using var doc = JsonDocument.Parse(await cluster.Nodes[via].Http.GetStringAsync("/api/cluster"));
        return doc.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!.Split('@')[1]).ToList();
    }
}
