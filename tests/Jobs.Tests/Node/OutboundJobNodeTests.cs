using System.Net.Http.Json;
using System.Text.Json;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// The <c>http</c> and <c>llm</c> job types on a real node: what they must not do is refused at
/// submission with a 400 that stores nothing, and a URL's credentials stay out of the job's
/// history, its error and the node's log.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class OutboundJobNodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Request_splitting_headers_and_external_schema_refs_are_refused_at_submission_and_url_credentials_stay_out_of_history_and_log()
    {
        await using var upstream = await LoopbackHttpServer.StartAsync(async (http, _) =>
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsync("who are you");
        });
        await using var llm = await FakeChatCompletions.StartAsync();
        var port = upstream.BaseAddress.Port;
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-outbound"), output, new Dictionary<string, string>
        {
            ["JOBS_HTTP_ALLOWED_HOSTS"] = $"127.0.0.1:{port}",
            ["JOBS_LLM_BASE_URL"] = llm.BaseUrl.ToString(),
        });
        var url = new Uri(upstream.BaseAddress, "/hook").ToString();
        var refused = new (object Payload, string Type, string Detail)[]
        {
            (new { url, headers = new Dictionary<string, string> { ["X-Note"] = "a\r\nGET /smuggled HTTP/1.1" } }, "http", "CR and LF are refused"),
            (new { url, headers = new Dictionary<string, string> { ["Host"] = "internal.example" } }, "http", "header 'Host' is set by the node"),
            (new { url, headers = new Dictionary<string, string> { ["Transfer-Encoding"] = "chunked" } }, "http", "header 'Transfer-Encoding' is set by the node"),
            (new { url, headers = new Dictionary<string, string> { ["Bad Name"] = "x" } }, "http", "is invalid: expected an HTTP token"),
            (new { url = "http://127.0.0.1/hook" }, "http", "127.0.0.1:80 is not allowed"),
            (new
            {
                model = "m",
                messages = new[] { new { role = "user", content = "hi" } },
                responseSchema = new { type = "object", properties = new { x = new Dictionary<string, string> { ["$ref"] = url } } },
            }, "llm", "only local references"),
        };

        foreach (var (payload, type, detail) in refused)
        {
            var response = await node.Http.PostAsJsonAsync("/api/jobs", new { type, payload });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(400 == (int)response.StatusCode, body);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("payload", problem.GetProperty("field").GetString());
            Assert.Contains(detail, problem.GetProperty("detail").GetString());
        }
        Assert.Equal(0, node.JournalRows());
        Assert.Empty(upstream.Requests);
        Assert.Empty(llm.Requests);

        var id = (await node.SubmitAsync(new { type = "http", maxAttempts = 1, payload = new { url = $"http://deploy:s3cr3t-pw@127.0.0.1:{port}/hook" } }))
            .GetProperty("id").GetString()!;
        var job = await node.WaitForStatusAsync(id, "failed");

        Assert.Equal("/hook", upstream.Requests.Single().Path);
        var error = job.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains($"GET http://***@127.0.0.1:{port}/hook answered 401", error);
        Assert.DoesNotContain("s3cr3t-pw", job.GetProperty("error").GetRawText());
        Assert.DoesNotContain("s3cr3t-pw", job.GetProperty("history").GetRawText());
        Assert.DoesNotContain("s3cr3t-pw", await File.ReadAllTextAsync(Path.Combine(node.DataDir, "node.log")));
    }
}
