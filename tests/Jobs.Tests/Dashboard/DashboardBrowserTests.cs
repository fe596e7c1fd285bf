using System.Net;
using System.Text.Json;
using Jobs.Node.Dashboard;
using Jobs.Tests.Node;
using Jobs.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Dashboard;

/// <summary>The dashboard in a real headless Chromium against a real node process (DashboardEndpoints, dashboard.js).</summary>
[Collection(NodeCollection.Name)]
public sealed class DashboardBrowserTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private const float Deadline = 30_000; // ms, every browser wait
    private static readonly TimeSpan ApiDeadline = TimeSpan.FromSeconds(60);
    private static readonly object Failing = new { type = "script", maxAttempts = 1, payload = new { code = "throw new Error('dashboard probe')" } };

    [Fact]
    public async Task Every_page_shows_the_nodes_jobs_a_job_its_output_and_progress_and_the_dlq_requeues_one_job_and_exactly_a_filters_jobs()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dashboard"), output);
        var completed = Id(await node.SubmitAsync(new { type = "script", payload = new { code = "({ answer: 6 * 7 })" } }));
        var scripts = new[] { Id(await node.SubmitAsync(Failing)), Id(await node.SubmitAsync(Failing)) };
        var loud = new[] { Id(await node.SubmitAsync(new { type = "loud-failure", maxAttempts = 1, payload = new { chars = 10 } })) };
        var (status, _, _) = await node.CallAsync(HttpMethod.Post, "/api/batches", null, """{"id":"dash-batch","jobs":[{"type":"noop"},{"type":"noop"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var slow = Id(await node.SubmitAsync(new
        {
            type = "script",
            payload = new { code = "for (let i = 1; i <= 100; i++) { progress(i, 'step ' + i); sleep(400); } 'done'", timeoutMs = 120_000 },
        }));
        await node.WaitForStatusAsync(completed, "completed", ApiDeadline);
        foreach (var id in scripts.Concat(loud)) await node.WaitForStatusAsync(id, "failed", ApiDeadline);

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = node.Http.BaseAddress!.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });

        // the overview, with the latest jobs
        var first = await page.GotoAsync("/");
        Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, await first!.HeaderValueAsync("content-security-policy"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync(new() { Timeout = Deadline });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = completed })).ToBeVisibleAsync(new() { Timeout = Deadline });
        await Assertions.Expect(page.Locator("svg.chart")).ToHaveCountAsync(2, new() { Timeout = Deadline });
        await Assertions.Expect(page.Locator(".tile").Filter(new() { HasText = "pickup p50 / p99" })).ToContainTextAsync(" ms", new() { Timeout = Deadline });
        await Screenshot(page, "overview");

        // the list, filtered by a real path's query
        await page.GotoAsync("/jobs?status=failed");
        foreach (var id in scripts.Concat(loud)) await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = id })).ToBeVisibleAsync(new() { Timeout = Deadline });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = completed })).ToHaveCountAsync(0);

        // a job: its output
        await page.GotoAsync("/jobs/" + completed);
        await Assertions.Expect(page.Locator("#job-result")).ToContainTextAsync("42", new() { Timeout = Deadline });
        await Screenshot(page, "job");

        // a running job's progress moves without a reload
        await page.GotoAsync("/jobs/" + slow);
        var progress = page.Locator("#progress p");
        await Assertions.Expect(progress).ToContainTextAsync("step", new() { Timeout = Deadline });
        await page.EvaluateAsync("() => window.__samePage = true");
        var before = await progress.TextContentAsync();
        await Assertions.Expect(progress).Not.ToHaveTextAsync(before!, new() { Timeout = Deadline });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page was reloaded");

        // the DLQ: requeue one job, and it runs again
        await page.GotoAsync("/dlq");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = scripts[0] });
        await row.GetByRole(AriaRole.Button, new() { Name = "Requeue" }).ClickAsync(new() { Timeout = Deadline });
        var again = await Eventually.Until(() => node.GetJobAsync(scripts[0]),
            j => j is { } v && v.GetProperty("status").GetString() == "failed" && TestCluster.Starts(v) == 2, ApiDeadline, "the requeued job ran again and failed again");
        Assert.Contains("requeued", TestCluster.Events(again!.Value));
        await Screenshot(page, "dlq");

        // in bulk by a filter (type script): the confirmation names how many, and exactly those move
        await page.GotoAsync("/dlq");
        await page.Locator("#bulk input[name=type]").FillAsync("script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Requeue matching…" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-text")).ToHaveTextAsync("Requeue 2 dead-lettered jobs?", new() { Timeout = Deadline });
        await page.Locator("#confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByText("Requeued 2 of 2.")).ToBeVisibleAsync(new() { Timeout = Deadline });
        foreach (var (id, requeues) in new[] { (scripts[0], 2), (scripts[1], 1) })
            await Eventually.Until(() => node.GetJobAsync(id), j => j is { } v && TestCluster.Events(v).Count(e => e == "requeued") == requeues,
                ApiDeadline, $"{id} requeued {requeues} time(s)");
        foreach (var id in loud)
            Assert.DoesNotContain("requeued", TestCluster.Events((await node.GetJobAsync(id))!.Value));

        // a batch's progress, the cluster, usage
        await page.GotoAsync("/batches/dash-batch");
        await Assertions.Expect(page.Locator(".tile").Filter(new() { HasText = "status" })).ToContainTextAsync("completed", new() { Timeout = Deadline });
        await page.GotoAsync("/cluster");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Leave" })).ToBeVisibleAsync(new() { Timeout = Deadline });
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "up" })).ToBeVisibleAsync(new() { Timeout = Deadline });
        await Screenshot(page, "cluster");
        await page.GotoAsync("/usage");
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "jobs" })).ToBeVisibleAsync(new() { Timeout = Deadline });
    }

    [Fact]
    public async Task With_keys_nothing_shows_without_a_key_and_a_read_key_sees_its_jobs_and_no_action_buttons()
    {
        const string admin = "dashboard-admin-key-0123456789", reader = "dashboard-read-key-0123456789";
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dashboard-keys"), output,
            new Dictionary<string, string> { ["JOBS_API_KEYS"] = $"{admin}:default:admin;{reader}:default:read" });
        var (status, body, _) = await node.CallAsync(HttpMethod.Post, "/api/jobs", admin, JsonSerializer.Serialize(Failing));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var failed = Id(body);
        await Eventually.Until(async () => (await node.CallAsync(HttpMethod.Get, "/api/jobs/" + failed, admin)).Body.GetProperty("status").GetString(),
            s => s == "failed", ApiDeadline, "the job failed");

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = node.Http.BaseAddress!.ToString() });
        await page.GotoAsync("/jobs");
        // the app moves to its login page (history.pushState: a same-document change, so the URL is polled)
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login$"), new() { Timeout = Deadline });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync(new() { Timeout = Deadline });
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = failed }).CountAsync());
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/api/jobs')).status"));

        await page.GetByLabel("API key").FillAsync(reader);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("default · read", new() { Timeout = Deadline });
        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = failed })).ToBeVisibleAsync(new() { Timeout = Deadline });
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Requeue" }).CountAsync());
        Assert.Equal(0, await page.Locator("#bulk").CountAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = failed }).ClickAsync();
        await Assertions.Expect(page.Locator("#job-status")).ToHaveTextAsync("failed", new() { Timeout = Deadline });
        Assert.Equal(0, await page.GetByRole(AriaRole.Button).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^(Requeue|Purge|Cancel)$") }).CountAsync());
    }

    private static string Id(JsonElement job) => job.GetProperty("id").GetString()!;

    /// <summary>
    /// The README's screenshots: into docs/images when JOBS_SCREENSHOTS=docs (how they are refreshed),
    /// otherwise beside the test run's output, so a plain test run leaves the checkout as it was.
    /// </summary>
    private static Task Screenshot(IPage page, string name)
    {
        var dir = Environment.GetEnvironmentVariable("JOBS_SCREENSHOTS") == "docs"
            ? Path.Combine(TestPaths.RepoRoot, "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        return page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"dashboard-{name}.png") });
    }
}
