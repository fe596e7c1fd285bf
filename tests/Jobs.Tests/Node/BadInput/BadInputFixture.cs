using System.Net;
using System.Text.Json;
using Jobs.Messages;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Jobs.Tests.Node.BadInput;

/// <summary>
/// Two real nodes shared by the bad-input tests: one with API keys (admin, submit and read keys of
/// the tenant <c>acme</c>) and one without keys (answering its loopback caller as admin). Each holds
/// one completed job and one batch, so routes naming an existing job or batch have one to name.
/// </summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public const string AdminKey = "battery-admin-key-000001";
    public const string SubmitKey = "battery-submit-key-00001";
    public const string ReadKey = "battery-read-key-0000001";
    public const string SeedBatch = "battery-seed-batch";

    public NodeProcess Keyed { get; private set; } = null!;
    public NodeProcess Keyless { get; private set; } = null!;

    /// <summary>The id of the completed job on each node.</summary>
    public Dictionary<NodeProcess, string> SeedJob { get; } = [];

    public async Task InitializeAsync()
    {
        var keyed = NodeProcess.StartAsync(TestPaths.NewTempDir("node-bad-input-keyed"), env: new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{AdminKey}:acme:admin;{SubmitKey}:acme:submit;{ReadKey}:acme:read",
        });
        var keyless = NodeProcess.StartAsync(TestPaths.NewTempDir("node-bad-input-keyless"));
        await Task.WhenAll(keyed, keyless);
        Keyed = keyed.Result;
        Keyless = keyless.Result;
        foreach (var (node, key, tenant) in new[] { (Keyed, (string?)AdminKey, "acme"), (Keyless, null, BatchKeys.DefaultTenant) })
        {
            var job = await Eventually.Until(() => node.CallAsync(HttpMethod.Post, "/api/jobs", key, """{"type":"noop","idempotencyKey":"battery-seed"}"""),
                r => r.Status is HttpStatusCode.Accepted or HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the seed job to be accepted");
            SeedJob[node] = job.Body.GetProperty("id").GetString()!;
            await Eventually.Until(() => node.CallAsync(HttpMethod.Post, "/api/batches", key, $$"""{"id":"{{SeedBatch}}","jobs":[{"type":"noop"}]}"""),
                r => r.Status is HttpStatusCode.Accepted or HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the seed batch to be accepted");
            await Eventually.Until(async () => await Counts(node, key), c => c.Jobs == 2 && c.Batches == 1, TimeSpan.FromSeconds(60),
                "the seed job and batch in the read model");
            await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, $"/api/jobs/{SeedJob[node]}", key)).Body.GetProperty("status").GetString(),
                s => s == "completed", TimeSpan.FromSeconds(60), "the seed job to complete");
            // the batch's coordinator journals its completion once it sees every job ended: after that nothing more is written
            await Eventually.Until(() => Task.FromResult(JournalRows(node, "batch-" + BatchKeys.For(tenant, SeedBatch))), n => n == 2, TimeSpan.FromSeconds(60),
                "the seed batch's completion in the journal");
        }
    }

    public async Task DisposeAsync()
    {
        await Keyed.DisposeAsync();
        await Keyless.DisposeAsync();
    }

    /// <summary>What "nothing was stored" is checked against: the API's job and batch counts and the journal's rows.</summary>
    public static async Task<(int Jobs, int Batches, long PartitionRows, long AllRows)> Counts(NodeProcess node, string? key)
    {
        var (status, body, _) = await node.CallAsync(HttpMethod.Get, "/api/jobs?limit=1000", key);
        Assert.Equal(HttpStatusCode.OK, status);
        var items = body.GetProperty("items").EnumerateArray().ToArray();
        var batches = items.Select(j => j.GetProperty("batchId")).Where(b => b.ValueKind == JsonValueKind.String).Select(b => b.GetString()).Distinct().Count();
        return (items.Length, batches, node.JournalRows(), JournalRows(node));
    }

    /// <summary>Journal rows of one persistent entity, or of all of them: partitions, batch coordinators and usage counters.</summary>
    private static long JournalRows(NodeProcess node, string? persistenceId = null)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(node.DataDir, "journal.db")};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = persistenceId is null ? "SELECT COUNT(*) FROM journal;" : "SELECT COUNT(*) FROM journal WHERE persistence_id = @id;";
        cmd.Parameters.AddWithValue("@id", persistenceId ?? "");
        return (long)cmd.ExecuteScalar()!;
    }
}
