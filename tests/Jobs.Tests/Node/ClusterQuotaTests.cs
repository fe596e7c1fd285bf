using System.Net;
using Jobs.Testing;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>One tenant's daily job quota, held exactly while three real nodes take its submissions at once.</summary>
[Collection(NodeCollection.Name)]
public sealed class ClusterQuotaTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Quota = 300, PerNode = 150;
    private TestCluster _cluster = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Three_nodes_submitting_for_one_tenant_at_once_accept_exactly_its_quota()
    {
        _cluster = await TestCluster.StartAsync(postgres, output, extraEnv: _ => new() { ["JOBS_QUOTAS"] = $"acme=jobs:{Quota}" });

        // 450 submissions, 150 through each node, 16 in flight per node, all at once: the quota is the
        // tenant-day entity's, wherever it lives, so exactly 300 are accepted and every other one is a 429.
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async node =>
        {
            using var gate = new SemaphoreSlim(16);
            return await Task.WhenAll(Enumerable.Range(0, PerNode).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var (status, body, _) = await _cluster.Nodes[node].CallAsync(HttpMethod.Post, "/api/jobs", null, """{"type":"noop","tenant":"acme"}""");
                    return (Status: status, Id: status == HttpStatusCode.Accepted ? body.GetProperty("id").GetString() : null);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }));
        var all = answers.SelectMany(a => a).ToArray();
        output.WriteLine("accepted per node: " + string.Join(", ", answers.Select(a => a.Count(x => x.Status == HttpStatusCode.Accepted))));
        Assert.All(all, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests }));
        Assert.Equal(Quota, all.Count(a => a.Status == HttpStatusCode.Accepted));
        Assert.Equal(3 * PerNode - Quota, all.Count(a => a.Status == HttpStatusCode.TooManyRequests));

        // what was stored is exactly the accepted jobs, and the usage every node reports says 300
        var done = await TestCluster.WaitCompletedAsync(_cluster.Nodes[1], Quota, TimeSpan.FromMinutes(2), "&tenant=acme");
        Assert.Equal(all.Where(a => a.Id is not null).Select(a => a.Id!).Order(), done.Select(j => j.GetProperty("id").GetString()!).Order());
        Assert.Equal(Quota, (await TestCluster.ListAllAsync(_cluster.Nodes[2], "tenant=acme")).Count);
        foreach (var node in _cluster.Nodes)
        {
            var (status, usage, _) = await node.CallAsync(HttpMethod.Get, "/api/usage?tenant=acme", null);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(Quota, usage.GetProperty("total").GetProperty("jobs").GetInt64());
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _cluster.Nodes[0].CallAsync(HttpMethod.Post, "/api/jobs", null, """{"type":"noop","tenant":"acme"}""")).Status);
    }
}
