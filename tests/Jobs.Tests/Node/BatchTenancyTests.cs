using System.Net;
using System.Text.Json;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>Batches belong to a tenant: ids per tenant, dependencies checked as for single jobs, one key per job.</summary>
[Collection(NodeCollection.Name)]
public sealed class BatchTenancyTests(ITestOutputHelper output)
{
    private const string Acme = "acme-submit-key-000001", Globex = "globex-submit-key-00001", Ops = "ops-admin-key-000000001";

    private static Task<NodeProcess> StartAsync(string name, ITestOutputHelper output) =>
        NodeProcess.StartAsync(TestPaths.NewTempDir(name), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{Acme}:acme:submit;{Globex}:globex:submit;{Ops}:ops:admin",
        });

    [Fact]
    public async Task Two_tenants_may_use_the_same_batch_id_and_each_sees_only_its_own_batch()
    {
        await using var node = await StartAsync("node-batch-ids", output);

        var acme = await node.CallAsync(HttpMethod.Post, "/api/batches", Acme, """{"id":"nightly","jobs":[{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, acme.Status);
        var globex = await node.CallAsync(HttpMethod.Post, "/api/batches", Globex, """{"id":"nightly","jobs":[{"type":"noop"},{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, globex.Status); // a batch of its own, not acme's
        Assert.Equal("globex", globex.Body.GetProperty("tenant").GetString());
        Assert.Equal(2, globex.Body.GetProperty("total").GetInt32());
        Assert.DoesNotContain(acme.Body.GetProperty("jobIds")[0].GetString(), globex.Body.GetProperty("jobIds").EnumerateArray().Select(e => e.GetString()));

        var acmeView = (await node.CallAsync(HttpMethod.Get, "/api/batches/nightly", Acme)).Body;
        Assert.Equal(("acme", 1), (acmeView.GetProperty("tenant").GetString(), acmeView.GetProperty("total").GetInt32()));
        var globexView = await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, "/api/batches/nightly", Globex)).Body,
            v => v.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(30), "globex's batch completed");
        Assert.Equal(("globex", 2, 2), (globexView.GetProperty("tenant").GetString(), globexView.GetProperty("total").GetInt32(), globexView.GetProperty("completed").GetInt32()));
        var asAdmin = (await node.CallAsync(HttpMethod.Get, "/api/batches/nightly?tenant=globex", Ops)).Body;
        Assert.Equal("globex", asAdmin.GetProperty("tenant").GetString());

        // globex's jobs were stored (under its batch), acme's counts are acme's alone
        var listed = await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, "/api/jobs?batchId=nightly", Globex)).Body.GetProperty("items").GetArrayLength(),
            n => n == 2, TimeSpan.FromSeconds(20), "globex's two batch jobs listed");
        Assert.Equal(2, listed);
        var acmeDone = await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, "/api/batches/nightly", Acme)).Body,
            v => v.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(30), "acme's batch completed");
        Assert.Equal(1, acmeDone.GetProperty("completed").GetInt32());

        // re-posting is still idempotent per tenant
        var again = await node.CallAsync(HttpMethod.Post, "/api/batches", Globex, """{"id":"nightly","jobs":[{"type":"noop"},{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("globex", again.Body.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task A_batch_job_may_not_depend_on_another_tenants_job_on_itself_or_in_a_cycle()
    {
        await using var node = await StartAsync("node-batch-deps", output);
        var acmeJob = (await node.CallAsync(HttpMethod.Post, "/api/jobs", Acme, """{"type":"noop"}""")).Body.GetProperty("id").GetString()!;
        string Id(string tenant, string key) => JobIds.ForIdempotencyKey(tenant, key);

        async Task RefusedAsync(string body, string field, string detailPart)
        {
            var (status, problem, response) = await node.CallAsync(HttpMethod.Post, "/api/batches", Globex, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(detailPart, problem.GetProperty("detail").GetString());
        }

        // another tenant's job reads exactly like a missing one
        await RefusedAsync($$"""{"id":"b1","jobs":[{"type":"noop"},{"type":"noop","dependsOn":["{{acmeJob}}"]}]}""",
            "jobs[1].dependsOn[0]", $"dependsOn names '{acmeJob}', which is not a job");
        await RefusedAsync("""{"id":"b1","jobs":[{"type":"noop","dependsOn":["no-such-job"]}]}""",
            "jobs[0].dependsOn[0]", "dependsOn names 'no-such-job', which is not a job");
        // itself
        await RefusedAsync($$"""{"id":"b1","jobs":[{"type":"noop","idempotencyKey":"a","dependsOn":["{{Id("globex", "a")}}"]}]}""",
            "jobs[0].dependsOn[0]", "cannot wait for itself");
        // a cycle of three
        await RefusedAsync($$"""
            {"id":"b1","jobs":[
              {"type":"noop","idempotencyKey":"a","dependsOn":["{{Id("globex", "b")}}"]},
              {"type":"noop","idempotencyKey":"b","dependsOn":["{{Id("globex", "c")}}"]},
              {"type":"noop","idempotencyKey":"c","dependsOn":["{{Id("globex", "a")}}"]}]}
            """, "jobs[0].dependsOn", "jobs[0] → jobs[1] → jobs[2] → jobs[0]");

        // nothing of the refused batches exists
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/batches/b1", Globex)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/jobs/" + Id("globex", "a"), Ops)).Status);

        // a job of the batch may wait for another job of the same batch
        var chained = await node.CallAsync(HttpMethod.Post, "/api/batches", Globex, $$"""
            {"id":"b2","jobs":[{"type":"noop","idempotencyKey":"first"},{"type":"noop","dependsOn":["{{Id("globex", "first")}}"]}]}
            """);
        Assert.Equal(HttpStatusCode.Accepted, chained.Status);
        // and acme may depend on its own job
        Assert.Equal(HttpStatusCode.Accepted, (await node.CallAsync(HttpMethod.Post, "/api/batches", Acme, $$"""{"jobs":[{"type":"noop","dependsOn":["{{acmeJob}}"]}]}""")).Status);
    }

    [Fact]
    public async Task Duplicate_idempotency_keys_in_one_batch_are_refused_naming_both_positions_and_charge_nothing()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-batch-keys"), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{Acme}:acme:submit;{Ops}:ops:admin",
            ["JOBS_QUOTAS"] = "acme=jobs:3",
        });

        var (status, problem, response) = await node.CallAsync(HttpMethod.Post, "/api/batches", Acme,
            """{"id":"dup","jobs":[{"type":"noop","idempotencyKey":"k"},{"type":"noop"},{"type":"noop","idempotencyKey":"k"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("jobs[2].idempotencyKey", problem.GetProperty("field").GetString());
        Assert.Contains("jobs[0] and jobs[2]", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/batches/dup", Acme)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/jobs/" + JobIds.ForIdempotencyKey("acme", "k"), Ops)).Status);

        // no quota was charged: all three of the day's jobs still fit, in one batch that completes
        var fits = await node.CallAsync(HttpMethod.Post, "/api/batches", Acme, """{"id":"ok","jobs":[{"type":"noop","idempotencyKey":"k"},{"type":"noop"},{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, fits.Status);
        await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, "/api/batches/ok", Acme)).Body.GetProperty("status").GetString(),
            s => s == "completed", TimeSpan.FromSeconds(30), "the batch completed");
    }
}
