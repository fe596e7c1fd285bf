using System.Net;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>API keys map to tenants: a tenant's key sees and touches only its own jobs and batches.</summary>
[Collection(NodeCollection.Name)]
public sealed class TenantTests(ITestOutputHelper output)
{
    private const string AcmeSubmit = "acme-submit-key-000001", GlobexRead = "globex-read-key-0000001", GlobexSubmit = "globex-submit-key-00001", Ops = "ops-admin-key-000000001";

    [Fact]
    public async Task Another_tenants_job_and_batch_do_not_exist_for_a_key()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-tenants"), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{AcmeSubmit}:acme:submit;{GlobexRead}:globex:read;{GlobexSubmit}:globex:submit;{Ops}:ops:admin",
        });
        async Task<(HttpStatusCode Status, JsonElement Body)> Call(HttpMethod method, string path, string key, string? body = null)
        {
            var (status, json, _) = await node.CallAsync(method, path, key, body);
            return (status, json);
        }

        var (created, job) = await Call(HttpMethod.Post, "/api/jobs", AcmeSubmit, """{"type":"script","payload":{"code":"sleep(60000)"}}""");
        Assert.Equal(HttpStatusCode.Accepted, created);
        Assert.Equal("acme", job.GetProperty("tenant").GetString()); // from the key
        var id = job.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Get, $"/api/jobs/{id}", GlobexRead)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Get, $"/api/jobs/{id}/events", GlobexRead)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Post, $"/api/jobs/{id}/cancel", GlobexSubmit)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Get, $"/api/jobs/{id}", AcmeSubmit)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Get, $"/api/jobs/{id}", Ops)).Status);

        // lists: acme's job shows for acme (once the read model has it) and never for globex, even when it asks for acme
        await Eventually.Until(async () => (await Call(HttpMethod.Get, "/api/jobs", AcmeSubmit)).Body.GetProperty("items").GetArrayLength(),
            n => n == 1, TimeSpan.FromSeconds(20), "acme's job in acme's list");
        Assert.Equal(0, (await Call(HttpMethod.Get, "/api/jobs?tenant=acme", GlobexRead)).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await Call(HttpMethod.Get, "/api/jobs?tenant=acme", Ops)).Body.GetProperty("items").GetArrayLength());

        // a key cannot submit for another tenant; nothing is stored
        var (refused, problem) = await Call(HttpMethod.Post, "/api/jobs", GlobexSubmit, """{"type":"noop","tenant":"acme"}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("tenant", problem.GetProperty("field").GetString());

        var (batchCreated, _) = await Call(HttpMethod.Post, "/api/batches", AcmeSubmit, """{"id":"acme-b1","jobs":[{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, batchCreated);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Get, "/api/batches/acme-b1", GlobexRead)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Get, "/api/batches/acme-b1", AcmeSubmit)).Status);

        // the batch list, the search and the counts per status follow the key's tenant too
        await Eventually.Until(async () => (await Call(HttpMethod.Get, "/api/batches", AcmeSubmit)).Body.GetProperty("items").GetArrayLength(),
            n => n == 1, TimeSpan.FromSeconds(20), "acme's batch in acme's batch list");
        Assert.Equal(0, (await Call(HttpMethod.Get, "/api/batches?tenant=acme", GlobexRead)).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await Call(HttpMethod.Get, "/api/batches?tenant=acme", Ops)).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await Call(HttpMethod.Get, "/api/jobs?q=" + id, GlobexRead)).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await Call(HttpMethod.Get, "/api/jobs?q=" + id, AcmeSubmit)).Body.GetProperty("items").GetArrayLength());
        var acmeCounts = (await Call(HttpMethod.Get, "/api/job-counts?tenant=globex", AcmeSubmit)).Body;
        Assert.Equal(("acme", 2L), (acmeCounts.GetProperty("tenant").GetString(), acmeCounts.GetProperty("total").GetInt64()));
        var globexCounts = (await Call(HttpMethod.Get, "/api/job-counts", GlobexRead)).Body;
        Assert.Equal(("globex", 0L), (globexCounts.GetProperty("tenant").GetString(), globexCounts.GetProperty("total").GetInt64()));

        // the running job is still acme's and still running: globex's cancel changed nothing
        Assert.Contains((await Call(HttpMethod.Get, $"/api/jobs/{id}", AcmeSubmit)).Body.GetProperty("status").GetString(), new[] { "pending", "running" });
        Assert.Equal(HttpStatusCode.Accepted, (await Call(HttpMethod.Post, $"/api/jobs/{id}/cancel", AcmeSubmit)).Status);
    }
}
