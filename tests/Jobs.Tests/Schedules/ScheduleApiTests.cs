using System.Net;
using System.Text.Json;
using Jobs.Tests.Node;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Schedules;

/// <summary>/api/schedules on a real node with API keys: create, replace, pause, resume, delete, validation, tenancy, ticks.</summary>
[Collection(NodeCollection.Name)]
public sealed class ScheduleApiTests(ITestOutputHelper output)
{
    private const string Acme = "acme-submit-key-000001", AcmeRead = "acme-read-key-00000001", Globex = "globex-submit-key-00001",
        Admin = "ops-admin-key-000000001";

    private static Dictionary<string, string> Keys => new()
    {
        ["JOBS_API_KEYS"] = $"{Acme}:acme:submit;{AcmeRead}:acme:read;{Globex}:globex:submit;{Admin}:ops:admin",
    };

    private static string Body(string id, string cron, string extra = "") =>
        $$$"""{"id":"{{{id}}}","cron":"{{{cron}}}","job":{"type":"noop","payload":{"n":1}}{{{extra}}}}""";

    [Fact]
    public async Task Create_replace_pause_resume_delete_and_another_tenant_sees_nothing()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sched-api"), output, Keys);

        var (status, view, response) = await node.CallAsync(HttpMethod.Post, "/api/schedules", Acme, Body("nightly", "30 2 * * *", ""","timeZone":"Europe/Berlin" """));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("/api/schedules/nightly", response.Headers.Location?.ToString());
        Assert.Equal("nightly", view.GetProperty("id").GetString());
        Assert.Equal("acme", view.GetProperty("tenant").GetString());
        Assert.Equal("30 2 * * *", view.GetProperty("cron").GetString());
        Assert.Equal("Europe/Berlin", view.GetProperty("timeZone").GetString());
        Assert.Equal("noop", view.GetProperty("job").GetProperty("type").GetString());
        Assert.Equal(1, view.GetProperty("job").GetProperty("payload").GetProperty("n").GetInt32());
        Assert.False(view.GetProperty("paused").GetBoolean());
        Assert.Equal("skip", view.GetProperty("misfire").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("lastRunAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("lastJobId").ValueKind);
        var next = view.GetProperty("nextRunAt").GetDateTimeOffset();
        Assert.Equal(new TimeSpan(2, 30, 0), TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).TimeOfDay);

        // the same body again: 200, nothing changes
        (status, _, _) = await node.CallAsync(HttpMethod.Post, "/api/schedules", Acme, Body("nightly", "30 2 * * *", ""","timeZone":"Europe/Berlin" """));
        Assert.Equal(HttpStatusCode.OK, status);
        // a different body replaces it: 200
        (status, view, _) = await node.CallAsync(HttpMethod.Post, "/api/schedules", Acme, Body("nightly", "0 4 * * *", ""","misfire":"all","maxCatchUp":3"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0 4 * * *", view.GetProperty("cron").GetString());
        Assert.Equal("UTC", view.GetProperty("timeZone").GetString());
        Assert.Equal("all", view.GetProperty("misfire").GetString());
        (status, view, _) = await node.CallAsync(HttpMethod.Get, "/api/schedules/nightly", AcmeRead);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0 4 * * *", view.GetProperty("cron").GetString());

        // another tenant: the schedule does not exist, its list is empty, its own "nightly" is another schedule
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/schedules/nightly", Globex)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Post, "/api/schedules/nightly/pause", Globex)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Delete, "/api/schedules/nightly", Globex)).Status);
        Assert.Equal(0, (await node.CallAsync(HttpMethod.Get, "/api/schedules", Globex)).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.Created, (await node.CallAsync(HttpMethod.Post, "/api/schedules", Globex, Body("nightly", "0 5 * * *"))).Status);
        Assert.Equal("0 4 * * *", (await node.CallAsync(HttpMethod.Get, "/api/schedules/nightly", Acme)).Body.GetProperty("cron").GetString());
        // a read key cannot change schedules
        Assert.Equal(HttpStatusCode.Forbidden, (await node.CallAsync(HttpMethod.Post, "/api/schedules/nightly/pause", AcmeRead)).Status);

        (status, view, _) = await node.CallAsync(HttpMethod.Post, "/api/schedules/nightly/pause", Acme);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(view.GetProperty("paused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("nextRunAt").ValueKind);
        (status, view, _) = await node.CallAsync(HttpMethod.Post, "/api/schedules/nightly/resume", Acme);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(view.GetProperty("paused").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, view.GetProperty("nextRunAt").ValueKind);

        var list = (await node.CallAsync(HttpMethod.Get, "/api/schedules", AcmeRead)).Body.GetProperty("items");
        Assert.Equal(["nightly"], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        // an admin without ?tenant= sees every tenant's, by tenant; with it, that tenant's
        var all = (await node.CallAsync(HttpMethod.Get, "/api/schedules", Admin)).Body;
        Assert.Equal([("acme", "nightly"), ("globex", "nightly")],
            all.GetProperty("items").EnumerateArray().Select(s => (s.GetProperty("tenant").GetString(), s.GetProperty("id").GetString())));
        Assert.False(all.GetProperty("truncated").GetBoolean());
        Assert.Equal(["globex"], (await node.CallAsync(HttpMethod.Get, "/api/schedules?tenant=globex", Admin)).Body.GetProperty("items")
            .EnumerateArray().Select(s => s.GetProperty("tenant").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await node.CallAsync(HttpMethod.Delete, "/api/schedules/nightly", Acme)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Get, "/api/schedules/nightly", Acme)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.CallAsync(HttpMethod.Delete, "/api/schedules/nightly", Acme)).Status);
        Assert.Equal(HttpStatusCode.OK, (await node.CallAsync(HttpMethod.Get, "/api/schedules/nightly", Globex)).Status);
    }

    private static readonly (string Body, string Field)[] BadSchedules =
    [
        ("""{"id":"bad","cron":"61 * * * *","job":{"type":"noop"}}""", "cron"),
        ("""{"id":"bad","cron":"* * * *","job":{"type":"noop"}}""", "cron"),
        ("""{"id":"bad","cron":"* * * * *","timeZone":"Mars/Olympus","job":{"type":"noop"}}""", "timeZone"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"no-such-type"}}""", "job.type"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop","priority":1000}}""", "job.priority"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop","runAt":"2030-01-01T00:00:00Z"}}""", "job.runAt"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop","idempotencyKey":"k"}}""", "job.idempotencyKey"),
        ("""{"id":"bad","cron":"* * * * *"}""", "job"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop"},"misfire":"sometimes"}""", "misfire"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop"},"misfire":"all","maxCatchUp":1000}""", "maxCatchUp"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop"},"jitterMs":-1}""", "jitterMs"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop"},"every":"day"}""", "every"),
        ("""{"id":"bad/id","cron":"* * * * *","job":{"type":"noop"}}""", "id"),
        ("""{"id":"bad","cron":"* * * * *","job":{"type":"noop","tenant":"globex"}}""", "job.tenant"),
    ];

    [Fact]
    public async Task Bad_schedules_are_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sched-bad"), output, Keys);
        foreach (var (body, field) in BadSchedules)
        {
            var (status, problem, response) = await node.CallAsync(HttpMethod.Post, "/api/schedules", Acme, body);
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{body}: {status} {problem}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        var big = new string('x', 70_000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge,
            (await node.CallAsync(HttpMethod.Post, "/api/schedules", Acme, Body("big", "* * * * *").Replace("{\"n\":1}", $"\"{big}\""))).Status);
        Assert.Equal(0, (await node.CallAsync(HttpMethod.Get, "/api/schedules", Acme)).Body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_six_field_cron_every_2s_fires_jobs_with_distinct_scheduled_for_listed_by_schedule_id()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sched-ticks"), output, Keys);
        Assert.Equal(HttpStatusCode.Created, (await node.CallAsync(HttpMethod.Post, "/api/schedules", Acme, Body("every2s", "*/2 * * * * *"))).Status);

        var jobs = await Eventually.Until(() => ScheduledJobs(node, Acme, "every2s"), j => j.Count >= 4, TimeSpan.FromSeconds(60),
            "four jobs of the every-2-s schedule listed by scheduleId");
        var fireTimes = jobs.Select(j => j.GetProperty("scheduledFor").GetDateTimeOffset()).OrderBy(t => t).ToArray();
        Assert.Equal(fireTimes.Length, fireTimes.Distinct().Count());
        Assert.All(fireTimes, t => Assert.Equal(0, t.Second % 2));
        // about once per 2 s: consecutive ticks of the cron (a tick the node was too busy for is skipped, never doubled)
        Assert.All(fireTimes.Zip(fireTimes.Skip(1)), p => Assert.True((p.Item2 - p.Item1).TotalSeconds is 2 or 4, $"{p.Item1:O} then {p.Item2:O}"));
        foreach (var job in jobs)
        {
            Assert.Equal("every2s", job.GetProperty("scheduleId").GetString());
            Assert.Equal("acme", job.GetProperty("tenant").GetString());
            Assert.Equal(Jobs.Messages.JobIds.ForScheduleTick("acme", "every2s", job.GetProperty("scheduledFor").GetDateTimeOffset()), job.GetProperty("id").GetString());
        }
        var view = (await node.CallAsync(HttpMethod.Get, "/api/schedules/every2s", Acme)).Body;
        Assert.NotEqual(JsonValueKind.Null, view.GetProperty("lastJobId").ValueKind);
        Assert.True(view.GetProperty("nextRunAt").GetDateTimeOffset() > view.GetProperty("lastRunAt").GetDateTimeOffset());
        // another tenant's list by the same schedule id is empty
        Assert.Empty(await ScheduledJobs(node, Globex, "every2s"));
    }

    internal static async Task<List<JsonElement>> ScheduledJobs(NodeProcess node, string? key, string scheduleId)
    {
        var (status, body, _) = await node.CallAsync(HttpMethod.Get, $"/api/jobs?scheduleId={scheduleId}&limit=1000", key);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("items").EnumerateArray().ToList();
    }
}
