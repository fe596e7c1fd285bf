using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node.BadInput;

/// <summary>
/// The bad-input battery (<see cref="BadInputCases"/>) against a node with API keys and one
/// without: every case is a 4xx problem+json whose detail says what to fix, never a 5xx or a stack
/// trace, and after all of them the jobs, batches and journal rows are what they were.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class BadInputTests(BadInputFixture fixture, ITestOutputHelper output) : IClassFixture<BadInputFixture>
{
    public const int MinimumCases = 120;

    [Fact]
    public void The_battery_has_at_least_120_distinct_cases()
    {
        var cases = BadInputCases.All;
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        Assert.Equal(cases.Count, cases.Select(c => c.Identity).Distinct().Count());
        Assert.True(cases.Count >= MinimumCases, $"the battery has {cases.Count} cases; it needs at least {MinimumCases}");
        Assert.All(cases, c => Assert.InRange(c.Status, 400, 499));
    }

    [Fact]
    public Task Every_bad_input_is_refused_with_a_problem_and_stores_nothing_on_a_node_with_keys() =>
        RunBattery(fixture.Keyed, BadInputFixture.AdminKey, BadInputCases.All);

    [Fact]
    public Task Every_bad_input_is_refused_with_a_problem_and_stores_nothing_on_a_node_without_keys() =>
        RunBattery(fixture.Keyless, null, BadInputCases.All.Where(c => !c.KeyedOnly).ToArray());

    private async Task RunBattery(NodeProcess node, string? adminKey, IReadOnlyList<BadCase> cases)
    {
        var before = await BadInputFixture.Counts(node, adminKey);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var why = await Check(node, c, adminKey);
            if (why is not null) failures.Add($"{c.Name}: {why}");
        }
        var after = await BadInputFixture.Counts(node, adminKey);
        output.WriteLine($"{cases.Count} cases; counts before {before}, after {after}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases were not answered as they must be:\n" + string.Join("\n", failures));
        Assert.Equal(before, after);
    }

    /// <summary>Null when the answer is the problem the case needs; else what is wrong with it.</summary>
    private async Task<string?> Check(NodeProcess node, BadCase c, string? adminKey)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path
            .Replace("{seed}", fixture.SeedJob[node], StringComparison.Ordinal)
            .Replace("{batch}", BadInputFixture.SeedBatch, StringComparison.Ordinal));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null) request.Content.Headers.ContentType = new MediaTypeHeaderValue(c.ContentType);
        }
        var authorization = adminKey is null ? null : c.Caller switch
        {
            Caller.Admin => $"Bearer {adminKey}",
            Caller.Submit => $"Bearer {BadInputFixture.SubmitKey}",
            Caller.Read => $"Bearer {BadInputFixture.ReadKey}",
            Caller.UnknownKey => "Bearer not-a-key-of-this-node-0000",
            Caller.Malformed => $"Basic {adminKey}",
            _ => null,
        };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (c.FillerHeaderChars > 0) request.Headers.Add("X-Filler", new string('f', c.FillerHeaderChars));

        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal) || text.Contains(".cs:line", StringComparison.Ordinal))
            return $"the answer shows a stack trace or exception: {Cut(text)}";
        if (status != c.Status) return $"expected {c.Status}, got {status}: {Cut(text)}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"content type {response.Content.Headers.ContentType?.MediaType ?? "none"}, not application/problem+json: {Cut(text)}";
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return $"the problem is not JSON: {Cut(text)}";
        }
        if (!problem.TryGetProperty("status", out var s) || s.GetInt32() != status) return $"the problem's status is not {status}: {Cut(text)}";
        if (!problem.TryGetProperty("detail", out var detail) || string.IsNullOrWhiteSpace(detail.GetString())) return $"no detail: {Cut(text)}";
        if (c.Field is not null && (!problem.TryGetProperty("field", out var field) || field.GetString() != c.Field))
            return $"expected field {c.Field}: {Cut(text)}";
        return null;
    }

    /// <summary>
    /// What Kestrel refuses while it parses a request, before any of the node's code runs: past its
    /// own limits (<c>NodeDefaults.KestrelMaxRequestLineBytes</c>, 64 KiB, and
    /// <c>KestrelMaxRequestHeadersBytes</c>, 128 KiB) a 414 or 431, and a target it cannot parse (a
    /// NUL) a 400 — each with an empty body and the connection closed. Still a 4xx that shows
    /// nothing of the node, and nothing is stored.
    /// </summary>
    [Fact]
    public async Task What_kestrel_refuses_before_the_node_runs_is_an_empty_4xx()
    {
        var node = fixture.Keyless;
        var before = await BadInputFixture.Counts(node, null);
        using (var nul = await node.Http.GetAsync("/api/jobs/%00"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
            Assert.Equal("", await nul.Content.ReadAsStringAsync());
        }
        using (var longLine = await node.Http.GetAsync("/api/jobs/" + new string('u', 70_000)))
        {
            Assert.Equal(HttpStatusCode.RequestUriTooLong, longLine.StatusCode);
            Assert.Equal("", await longLine.Content.ReadAsStringAsync());
            Assert.True(longLine.Headers.ConnectionClose == true, "Kestrel closes the connection after a request line it refused");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new StringContent("""{"type":"noop"}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Filler", new string('f', 140_000));
        using (var bigHeaders = await node.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeaders.StatusCode);
            Assert.Equal("", await bigHeaders.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await BadInputFixture.Counts(node, null));
    }

    /// <summary>
    /// A chunked body that breaks off mid-chunk fails while the route reads it, inside the node:
    /// a 400 problem, and nothing stored. A header line Kestrel cannot parse never reaches the node:
    /// an empty 400.
    /// </summary>
    [Fact]
    public async Task A_malformed_chunked_body_is_a_problem_and_a_malformed_header_an_empty_400()
    {
        var node = fixture.Keyless;
        var before = await BadInputFixture.Counts(node, null);

        var chunked = await Raw(node, "POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n");
        Assert.StartsWith("HTTP/1.1 400 ", chunked);
        Assert.Contains("Content-Type: application/problem+json", chunked, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"detail\":", chunked);
        Assert.DoesNotContain("Exception", chunked);

        var badHeader = await Raw(node, "GET /api/jobs HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400 ", badHeader);
        Assert.Contains("Content-Length: 0", badHeader, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(before, await BadInputFixture.Counts(node, null));
    }

    /// <summary>A body without Content-Length is read chunk by chunk, however it is split, and a job in it accepted.</summary>
    [Fact]
    public async Task A_job_in_a_chunked_body_split_mid_token_is_accepted()
    {
        var answer = await Raw(fixture.Keyless, "POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                                 "8\r\n{\"type\":\r\n3\r\n\"no\r\n4\r\nop\"}\r\n0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 202 ", answer);
        Assert.Contains("\"type\":\"noop\"", answer);
    }

    /// <summary>Sends bytes as they are and reads the answer until the node closes the connection or has sent a whole answer.</summary>
    private static async Task<string> Raw(NodeProcess node, string request)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(node.Http.BaseAddress!.Host, node.Http.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = new System.Text.StringBuilder();
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
        {
            answer.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, read));
            if (Complete(answer.ToString())) break;
        }
        return answer.ToString();
    }

    /// <summary>Headers ended and the body as long as Content-Length says (chunked answers: the last chunk seen).</summary>
    private static bool Complete(string answer)
    {
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var headers = answer[..end];
        var length = System.Text.RegularExpressions.Regex.Match(headers, @"(?im)^content-length:\s*(\d+)");
        if (length.Success) return answer.Length - end - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return answer.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
