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

    [Fact]
    public async Task The_jobs_search_by_id_prefix_metadata_value_and_time_range_lists_exactly_the_matching_jobs()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dashboard-search"), output);
        // before the range: plain jobs (ULID ids), a batch's (b-…), jobs by idempotency key (k-…), one with a metadata value
        var before = new List<string>
        {
            Id(await node.SubmitAsync(new { type = "noop" })),
            Id(await node.SubmitAsync(new { type = "noop", idempotencyKey = "search-1", metadata = new { order = "ord-4711" } })),
            Id(await node.SubmitAsync(new { type = "noop", idempotencyKey = "search-2" })),
            Id(await node.SubmitAsync(new { type = "noop", metadata = new { order = "ord-4711", note = "x" } })),
        };
        Assert.Equal(HttpStatusCode.Accepted, (await node.CallAsync(HttpMethod.Post, "/api/batches", null, """{"id":"search-batch","jobs":[{"type":"noop"},{"type":"noop"}]}""")).Status);
        foreach (var id in before) await node.WaitForStatusAsync(id, "completed", ApiDeadline);
        var inRange = new List<string>();
        for (var i = 0; i < 3; i++) inRange.Add(Id(await node.SubmitAsync(new { type = "noop", metadata = new { order = "ord-" + i } })));
        foreach (var id in inRange) await node.WaitForStatusAsync(id, "completed", ApiDeadline);
        var after = Id(await node.SubmitAsync(new { type = "noop" }));

        // every job with its creation time, from the API without any search: what each search must return
        var all = (await node.CallAsync(HttpMethod.Get, "/api/jobs?limit=1000", null)).Body.GetProperty("items").EnumerateArray()
            .Select(j => (Id: Id(j), Created: j.GetProperty("createdAt").GetDateTimeOffset(), Meta: j.GetProperty("metadata"))).ToList();
        Assert.Equal(10, all.Count);

        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = node.Http.BaseAddress!.ToString(), TimezoneId = "UTC" });
        var page = await context.NewPageAsync();
        async Task ExpectRows(IEnumerable<string> expected, string what)
        {
            var ids = expected.ToArray();
            Assert.True(ids.Length > 0 && ids.Length < all.Count, $"{what}: the search must match some jobs and not all");
            foreach (var id in ids) await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = id, Exact = true })).ToBeVisibleAsync(new() { Timeout = Deadline });
            await Assertions.Expect(page.Locator("main tbody tr")).ToHaveCountAsync(ids.Length, new() { Timeout = Deadline });
        }

        // by the start of the id, typed into the search box and sent with Enter
        await page.GotoAsync("/jobs");
        var search = page.GetByLabel("id starts with, or metadata value");
        await search.FillAsync("k-");
        await search.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/jobs\?q=k-$"), new() { Timeout = Deadline });
        await ExpectRows(all.Where(j => j.Id.StartsWith("k-", StringComparison.Ordinal)).Select(j => j.Id), "id prefix k-");

        // by a metadata value
        await search.FillAsync("ord-4711");
        await search.PressAsync("Enter");
        await ExpectRows(all.Where(j => j.Meta.ValueKind == JsonValueKind.Object && j.Meta.GetProperty("order").GetString() == "ord-4711").Select(j => j.Id), "metadata ord-4711");

        // by creation time, from (inclusive) to (exclusive), in milliseconds as the inputs take them
        var from = Floor(all.Where(j => inRange.Contains(j.Id)).Min(j => j.Created));
        var to = Floor(all.Where(j => inRange.Contains(j.Id)).Max(j => j.Created)).AddMilliseconds(1);
        await page.GotoAsync("/jobs");
        await page.GetByLabel("created from").FillAsync(LocalInput(from));
        await page.GetByLabel("created before").FillAsync(LocalInput(to));
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await ExpectRows(all.Where(j => j.Created >= from && j.Created < to).Select(j => j.Id), "created in the range");
        Assert.Equal(inRange.Order(), all.Where(j => j.Created >= from && j.Created < to).Select(j => j.Id).Order());
        Assert.Contains("from=", page.Url);
        Assert.DoesNotContain(after, await page.Locator("main").InnerTextAsync());
        await Screenshot(page, "search");
    }

    [Fact]
    public async Task The_batches_page_lists_a_batch_with_its_progress_and_every_main_page_fits_a_phone_without_sideways_scrolling()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dashboard-phone"), output);
        const string batchBody = """{"id":"phone-batch","jobs":[{"type":"noop"},{"type":"noop"},{"type":"noop"},{"type":"script","maxAttempts":1,"payload":{"code":"throw new Error('x')"}}]}""";
        Assert.Equal(HttpStatusCode.Accepted, (await node.CallAsync(HttpMethod.Post, "/api/batches", null, batchBody)).Status);
        var failed = Id(await node.SubmitAsync(Failing));
        var done = Id(await node.SubmitAsync(new { type = "script", payload = new { code = "({ a: 'a fairly long value to show on a narrow screen', b: [1, 2, 3] })" }, metadata = new { customer = "acme-corporation-with-a-long-name" } }));
        await node.WaitForStatusAsync(failed, "failed", ApiDeadline);
        await node.WaitForStatusAsync(done, "completed", ApiDeadline);

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = node.Http.BaseAddress!.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });

        // the batch list: the batch with its bar and counts (4 of 4 ended, 1 failed)
        await page.GotoAsync("/batches");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "phone-batch" });
        await Assertions.Expect(row.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("aria-valuenow", "4", new() { Timeout = Deadline });
        await Assertions.Expect(row.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("aria-valuemax", "4");
        await Assertions.Expect(row).ToContainTextAsync("4 of 4 ended · 1 failed");
        await Assertions.Expect(row).ToContainTextAsync("completed");
        await Screenshot(page, "batches-phone");
        await row.GetByRole(AriaRole.Link, new() { Name = "phone-batch" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Batch phone-batch" })).ToBeVisibleAsync(new() { Timeout = Deadline });

        // each main page, once its data is in: no sideways scroll of the page, and no table scrolling sideways inside it
        var pages = new (string Path, ILocator Loaded)[]
        {
            ("/", page.Locator("#status-counts")),
            ("/jobs", page.GetByRole(AriaRole.Link, new() { Name = done })),
            ("/jobs/" + done, page.Locator("#job-result")),
            ("/dlq", page.GetByRole(AriaRole.Link, new() { Name = failed })),
            ("/batches", page.GetByRole(AriaRole.Link, new() { Name = "phone-batch" })),
            ("/batches/phone-batch", page.GetByRole(AriaRole.Progressbar)),
            ("/cluster", page.GetByRole(AriaRole.Button, new() { Name = "Leave" })),
            ("/usage", page.GetByText("Total:")),
        };
        foreach (var (path, loaded) in pages)
        {
            await page.GotoAsync(path);
            await Assertions.Expect(loaded.First).ToBeVisibleAsync(new() { Timeout = Deadline });
            var widths = await page.EvaluateAsync<int[]>("() => [innerWidth, document.documentElement.scrollWidth]");
            var overflowing = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('main .table-wrap, main table, main form, main dl, main .tiles')]
                        .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.tagName + '.' + el.className)
                """);
            Assert.True(widths[1] <= widths[0], $"{path}: the page is {widths[1]} px wide on a {widths[0]} px screen");
            Assert.True(overflowing.Length == 0, $"{path}: scrolls sideways inside {string.Join(", ", overflowing)}");
        }
    }

    [Fact]
    public async Task The_keyboard_alone_skips_to_the_content_reaches_an_action_and_confirms_it_with_the_focus_always_visible()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dashboard-keyboard"), output);
        var requeue = Id(await node.SubmitAsync(Failing));
        var purge = Id(await node.SubmitAsync(Failing));
        foreach (var id in new[] { requeue, purge }) await node.WaitForStatusAsync(id, "failed", ApiDeadline);

        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = node.Http.BaseAddress!.ToString(), ColorScheme = ColorScheme.Light });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dlq");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = requeue })).ToBeVisibleAsync(new() { Timeout = Deadline });
        var focused = () => page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.dataset.key || document.activeElement.textContent");
        var outline = () => page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }");

        // the first Tab reaches the skip link, visibly; Enter moves to the page's content
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip", await focused());
        Assert.Equal("solid 3px", await outline());
        await Assertions.Expect(page.Locator("#skip")).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("page", await focused());

        // Tab on from the content to a job's Requeue button; Enter requeues it (and it runs again)
        await TabTo(page, "requeue " + requeue);
        Assert.Equal("solid 3px", await outline());
        await page.Keyboard.PressAsync("Enter");
        await Eventually.Until(() => node.GetJobAsync(requeue), j => j is { } v && TestCluster.Events(v).Contains("requeued"), ApiDeadline, "requeued by the keyboard");

        // an action behind a confirmation: the dialog takes the focus on Cancel; Tab, Enter confirms
        await TabTo(page, "purge " + purge);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync(new() { Timeout = Deadline });
        Assert.Equal("confirm-no", await focused());
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("confirm-yes", await focused());
        await page.Keyboard.PressAsync("Enter");
        await Eventually.Until(() => node.GetJobAsync(purge), j => j is { } v && TestCluster.Events(v).Contains("purged"), ApiDeadline, "purged by the keyboard");
        Assert.DoesNotContain("requeued", TestCluster.Events((await node.GetJobAsync(purge))!.Value));

        // the theme toggle is a button in the header: dark on Enter, whatever the system prefers
        await page.Locator("#theme").FocusAsync();
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("rgb(13, 17, 23)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await Assertions.Expect(page.Locator("#theme")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [Fact]
    public async Task The_schedules_queues_and_limits_pages_show_them_and_their_buttons_pause_a_schedule_and_a_queue_and_set_and_remove_limits()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("dashboard-control"), output, new Dictionary<string, string> { ["JOBS_QUEUES"] = "gpu" });
        Assert.Equal(HttpStatusCode.Created, (await node.CallAsync(HttpMethod.Post, "/api/schedules", null,
            """{"id":"hourly","cron":"0 * * * *","job":{"type":"noop"}}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await node.CallAsync(HttpMethod.Put, "/api/limits/openai", null, """{"concurrency":2}""")).Status);
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = node.Http.BaseAddress!.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });

        // schedules: the row, and Pause pauses it
        await page.GotoAsync("/schedules");
        var schedule = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "hourly" });
        await Assertions.Expect(schedule).ToContainTextAsync("0 * * * * (UTC)", new() { Timeout = Deadline });
        await schedule.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(schedule).ToContainTextAsync("paused", new() { Timeout = Deadline });
        Assert.True((await node.CallAsync(HttpMethod.Get, "/api/schedules/hourly", null)).Body.GetProperty("paused").GetBoolean());

        // queues: gpu paused through the confirmation
        await page.GotoAsync("/queues");
        var gpu = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "gpu" });
        await gpu.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync(new() { Timeout = Deadline });
        await page.Locator("#confirm-yes").ClickAsync();
        await Assertions.Expect(gpu.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync(new() { Timeout = Deadline });
        var queues = (await node.CallAsync(HttpMethod.Get, "/api/queues", null)).Body.GetProperty("items").EnumerateArray().ToArray();
        Assert.True(queues.Single(q => q.GetProperty("queue").GetString() == "gpu").GetProperty("paused").GetBoolean());
        Assert.False(queues.Single(q => q.GetProperty("queue").GetString() == "default").GetProperty("paused").GetBoolean());

        // limits: the existing key, a new one set by the form, the existing one removed
        await page.GotoAsync("/limits");
        var openai = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "openai" });
        await Assertions.Expect(openai).ToBeVisibleAsync(new() { Timeout = Deadline });
        await page.GetByLabel("key", new() { Exact = true }).FillAsync("tpm");
        await page.GetByLabel("tokens per minute").FillAsync("90000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "tpm" })).ToContainTextAsync("90000", new() { Timeout = Deadline });
        Assert.Equal(90000, (await node.CallAsync(HttpMethod.Get, "/api/limits/tpm", null)).Body.GetProperty("tokensPerMinute").GetInt32());
        await openai.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.Locator("#confirm-yes").ClickAsync();
        await Assertions.Expect(openai).ToHaveCountAsync(0, new() { Timeout = Deadline });
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/limits/openai", null)).Status);
    }

    /// <summary>Presses Tab until the element with this key has the focus (at most 60 times).</summary>
    private static async Task TabTo(IPage page, string key)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement.dataset.key ?? null") == key) return;
        }
        throw new Xunit.Sdk.XunitException($"60 presses of Tab did not reach '{key}'");
    }

    /// <summary>A UTC time as a datetime-local input holds it (the browser drops a fraction's trailing zeros, a zero fraction and zero seconds).</summary>
    private static string LocalInput(DateTimeOffset t) => t.UtcDateTime.ToString(
        t.Millisecond != 0 ? "yyyy-MM-dd'T'HH:mm:ss.FFF" : t.Second != 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm",
        System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

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
