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

    [Fact]
    public async Task Event_streams_are_capped_per_key_and_per_node_with_429_and_retry_after()
    {
        const string acmeSubmit = "acme-submit-key-000001", globexSubmit = "globex-submit-key-00001", globexRead = "globex-read-key-0000001";
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-sse-caps"), output, new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{AcmeRead}:acme:read;{acmeSubmit}:acme:submit;{globexSubmit}:globex:submit;{globexRead}:globex:read;{Ops}:ops:admin",
            ["JOBS_SSE_STREAMS_PER_KEY"] = "2",
            ["JOBS_SSE_STREAMS_PER_NODE"] = "3",
        });
        var acmeJob = (await node.CallAsync(HttpMethod.Post, "/api/jobs", acmeSubmit, """{"type":"script","payload":{"code":"sleep(60000)"}}""")).Body.GetProperty("id").GetString()!;
        var globexJob = (await node.CallAsync(HttpMethod.Post, "/api/jobs", globexSubmit, """{"type":"script","payload":{"code":"sleep(60000)"}}""")).Body.GetProperty("id").GetString()!;
        var open = new List<HttpResponseMessage>();
        async Task<HttpResponseMessage> Stream(string job, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{job}/events");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var response = await node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            open.Add(response);
            return response;
        }
        async Task RefusedAsync(HttpResponseMessage response, string detailPart)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
            Assert.Contains(detailPart, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        }
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Stream(acmeJob, AcmeRead)).StatusCode);
            var second = await Stream(acmeJob, AcmeRead);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            await RefusedAsync(await Stream(acmeJob, AcmeRead), "JOBS_SSE_STREAMS_PER_KEY"); // the key's third
            Assert.Equal(HttpStatusCode.OK, (await Stream(globexJob, globexRead)).StatusCode); // another key: the node's third
            await RefusedAsync(await Stream(globexJob, globexSubmit), "JOBS_SSE_STREAMS_PER_NODE"); // the node's fourth

            // a closed stream gives its slot back
            second.Dispose();
            await Eventually.Until(async () =>
            {
                var again = await Stream(acmeJob, AcmeRead);
                return again.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(20), "a stream after one of the key's was closed");
        }
        finally
        {
            foreach (var r in open) r.Dispose();
        }
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
