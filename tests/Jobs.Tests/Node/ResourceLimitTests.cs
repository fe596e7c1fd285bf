using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>What a read key can make a node hold: usage queries start nothing, event streams are capped.</summary>
[Collection(NodeCollection.Name)]
public sealed partial class ResourceLimitTests(ITestOutputHelper output)
{
    private const string AcmeRead = "acme-read-key-00000001", Ops = "ops-admin-key-000000001";

    [Fact]
    public async Task A_usage_query_starts_no_usage_entity_and_its_range_is_bounded()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-usage-range"), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{AcmeRead}:acme:read;{Ops}:ops:admin",
        });
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var (status, usage, _) = await node.CallAsync(HttpMethod.Get, $"/api/usage?from={Day(today.AddDays(-91))}&to={Day(today)}", AcmeRead);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(92, usage.GetProperty("days").GetArrayLength());
        Assert.Equal(0, usage.GetProperty("total").GetProperty("jobs").GetInt64());

        // no tenant-day entity runs for the 92 days asked (the actor tree lists sharding's entities)
        var (_, tree, _) = await node.CallAsync(HttpMethod.Get, "/api/actors?depth=7", Ops);
        var entities = Names(tree).Count(n => UsageEntity().IsMatch(Uri.UnescapeDataString(n)));
        Assert.Equal(0, entities);

        // years back is refused, naming the earliest day
        var (old, problem, response) = await node.CallAsync(HttpMethod.Get, $"/api/usage?from={Day(today.AddYears(-3))}&to={Day(today.AddYears(-3).AddDays(30))}", AcmeRead);
        Assert.Equal(HttpStatusCode.BadRequest, old);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("from", problem.GetProperty("field").GetString());
        Assert.Contains($"from must be {Day(today.AddDays(-366))} or later", problem.GetProperty("detail").GetString());
    }

    private static IEnumerable<string> Names(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String) yield return name.GetString()!;
            foreach (var p in e.EnumerateObject())
                foreach (var n in Names(p.Value)) yield return n;
        }
        else if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray())
                foreach (var n in Names(item)) yield return n;
    }

    [GeneratedRegex(@"^acme\|\d{8}$")]
    private static partial Regex UsageEntity();
}
