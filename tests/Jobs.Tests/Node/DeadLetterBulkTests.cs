using System.Net;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>POST /api/dlq/requeue and /purge by filter (DeadLetterBulk): dryRun changes nothing, a filter takes exactly its jobs, a tenant only its own.</summary>
[Collection(NodeCollection.Name)]
public sealed class DeadLetterBulkTests(ITestOutputHelper output)
{
    private const string Admin = "bulk-admin-key-0123456789", Acme = "bulk-acme-key-0123456789", Other = "bulk-other-key-0123456789";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_filter_moves_exactly_its_tenants_matching_jobs_and_a_dry_run_moves_none()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dlq-bulk"), output,
            new Dictionary<string, string> { ["JOBS_API_KEYS"] = $"{Admin}:default:admin;{Acme}:acme:submit;{Other}:other:submit" });
        const string script = """{"type":"script","maxAttempts":1,"payload":{"code":"throw new Error('bulk')"}}""";
        var acmeScripts = new[] { await FailAsync(node, Acme, script), await FailAsync(node, Acme, script) };
        var acmeLoud = await FailAsync(node, Acme, """{"type":"loud-failure","maxAttempts":1,"payload":{"chars":5}}""");
        var otherScript = await FailAsync(node, Other, script);

        var dry = await BulkAsync(node, Acme, "requeue", """{"dryRun":true}""");
        Assert.Equal((3, 0, true), (dry.GetProperty("matched").GetInt32(), dry.GetProperty("changed").GetInt32(), dry.GetProperty("dryRun").GetBoolean()));
        foreach (var id in acmeScripts.Append(acmeLoud)) Assert.DoesNotContain("requeued", await EventsAsync(node, id));

        var purged = await BulkAsync(node, Acme, "purge", """{"type":"loud-failure"}""");
        Assert.Equal((1, 1), (purged.GetProperty("matched").GetInt32(), purged.GetProperty("changed").GetInt32()));
        Assert.Contains("purged", await EventsAsync(node, acmeLoud));

        var requeued = await BulkAsync(node, Acme, "requeue", "{}");
        Assert.Equal((2, 2), (requeued.GetProperty("matched").GetInt32(), requeued.GetProperty("changed").GetInt32()));
        foreach (var id in acmeScripts) Assert.Contains("requeued", await EventsAsync(node, id));
        Assert.DoesNotContain("requeued", await EventsAsync(node, otherScript));
        Assert.DoesNotContain("requeued", await EventsAsync(node, acmeLoud));

        var admin = await BulkAsync(node, Admin, "requeue", """{"tenant":"other","dryRun":true}""");
        Assert.Equal(1, admin.GetProperty("matched").GetInt32());
    }

    private static async Task<string> FailAsync(NodeProcess node, string key, string job)
    {
        var (status, body, _) = await node.CallAsync(HttpMethod.Post, "/api/jobs", key, job);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, "/api/jobs/" + id, Admin)).Body.GetProperty("status").GetString(),
            s => s == "failed", Deadline, $"job {id} failed");
        return id;
    }

    private static async Task<JsonElement> BulkAsync(NodeProcess node, string key, string action, string filter)
    {
        var (status, body, _) = await node.CallAsync(HttpMethod.Post, "/api/dlq/" + action, key, filter);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private static async Task<List<string>> EventsAsync(NodeProcess node, string id) =>
        TestCluster.Events((await node.CallAsync(HttpMethod.Get, "/api/jobs/" + id, Admin)).Body).ToList();
}
