using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Cronos;
using Jobs.Actors.Schedules;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>
/// /api/schedules (docs/api.md): recurring jobs. A schedule is its tenant's (the job's tenant: the key's, or one an
/// admin names); another tenant's schedule does not exist for the caller (404). Everything is checked before anything
/// is stored; the schedule group (<see cref="ScheduleGroup"/>) stores it.
/// </summary>
public static partial class ScheduleEndpoints
{
    /// <summary>A schedule's body: small, since every tenant's schedules live in memory (a tick's job payload is part of it).</summary>
    public const long MaxScheduleBodyBytes = 64 * 1024;

    private static readonly HashSet<string> Fields = ["id", "cron", "timeZone", "job", "misfire", "maxCatchUp", "jitterMs"];

    public static void MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/schedules").WithTags("schedules");
        schedules.MapPost("", Put).WithName("putSchedule").WithSummary("Create a schedule, or replace the one with the same id")
            .Accepts<ScheduleSubmission>("application/json")
            .Produces<ScheduleSummary>(StatusCodes.Status201Created).Produces<ScheduleSummary>(StatusCodes.Status200OK)
            .ProducesProblems(400, 403, 409, 413, 415, 503);
        schedules.MapGet("", List).WithName("listSchedules").WithSummary("The tenant's schedules, by id")
            .WithQuery("tenant", "admin keys only: the schedules of this tenant (default: every tenant's)")
            .Produces<ScheduleSummaryList>().ProducesProblems(503);
        schedules.MapGet("/{id}", Get).WithName("getSchedule").WithSummary("One schedule")
            .WithQuery("tenant", "admin keys only: the schedule of this tenant (default: the key's own)")
            .Produces<ScheduleSummary>().ProducesProblems(404, 503);
        schedules.MapPost("/{id}/pause", Pause).WithName("pauseSchedule").WithSummary("Stop firing ticks until resumed")
            .WithQuery("tenant", "admin keys only: the schedule of this tenant (default: the key's own)")
            .Produces<ScheduleSummary>().ProducesProblems(404, 503);
        schedules.MapPost("/{id}/resume", Resume).WithName("resumeSchedule").WithSummary("Fire ticks again, from now on (the ticks of the pause are not caught up)")
            .WithQuery("tenant", "admin keys only: the schedule of this tenant (default: the key's own)")
            .Produces<ScheduleSummary>().ProducesProblems(404, 503);
        schedules.MapDelete("/{id}", Delete).WithName("deleteSchedule").WithSummary("Delete a schedule (the jobs it created stay)")
            .WithQuery("tenant", "admin keys only: the schedule of this tenant (default: the key's own)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(404, 503);
    }

    private static async Task<IResult> Put(HttpRequest request, JobRequestParser parser, ActorRegistry registry, JobsOptions options, CancellationToken ct)
    {
        PutSchedule put;
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(request, MaxScheduleBodyBytes, ct);
            put = Parse(doc.RootElement, parser, request.HttpContext.Principal());
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        return await Ask(registry, options, put, ct) switch
        {
            ScheduleSaved s => Results.Json(Public(s.View), ApiJson.Options, statusCode: s.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK)
                .WithLocation($"/api/schedules/{s.View.Id}"),
            ScheduleRefused r => Problems.Conflict(r.Reason),
            var other => Unexpected(other),
        };
    }

    /// <summary>An admin's list of every tenant's schedules holds at most this many (by tenant, then id).</summary>
    public const int MaxListedAcrossTenants = 10_000;

    private static async Task<IResult> List(HttpContext http, ActorRegistry registry, JobsOptions options, CancellationToken ct)
    {
        var caller = http.Principal();
        if (caller.Role == ApiRole.Admin && http.Request.Query["tenant"].FirstOrDefault() is null or "")
        {
            var region = await registry.GetAsync<ScheduleRegion>(ct);
            ScheduleList[] groups;
            try
            {
                groups = await Task.WhenAll(Enumerable.Range(0, ScheduleKeys.Groups)
                    .Select(g => region.Ask<ScheduleList>(new ListGroupSchedules(g), options.Node.AskTimeout, ct)));
            }
            catch (AskTimeoutException)
            {
                return Unexpected(null);
            }
            var all = groups.SelectMany(g => g.Items).OrderBy(s => s.Tenant, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal).ToArray();
            return Results.Json(new { items = all.Take(MaxListedAcrossTenants).Select(Public), truncated = all.Length > MaxListedAcrossTenants }, ApiJson.Options);
        }
        return await Ask(registry, options, new ListSchedules(Tenant(http)), ct) switch
        {
            ScheduleList l => Results.Json(new { items = l.Items.Select(Public), truncated = false }, ApiJson.Options),
            var other => Unexpected(other),
        };
    }

    private static Task<IResult> Get(string id, HttpContext http, ActorRegistry registry, JobsOptions options, CancellationToken ct) =>
        One(id, registry, options, new GetSchedule(Tenant(http), id), StatusCodes.Status200OK, ct);

    private static Task<IResult> Pause(string id, HttpContext http, ActorRegistry registry, JobsOptions options, CancellationToken ct) =>
        One(id, registry, options, new PauseSchedule(Tenant(http), id), StatusCodes.Status200OK, ct);

    private static Task<IResult> Resume(string id, HttpContext http, ActorRegistry registry, JobsOptions options, CancellationToken ct) =>
        One(id, registry, options, new ResumeSchedule(Tenant(http), id), StatusCodes.Status200OK, ct);

    private static Task<IResult> Delete(string id, HttpContext http, ActorRegistry registry, JobsOptions options, CancellationToken ct) =>
        One(id, registry, options, new DeleteSchedule(Tenant(http), id), StatusCodes.Status204NoContent, ct);

    private static async Task<IResult> One(string id, ActorRegistry registry, JobsOptions options, IWithScheduleGroup message, int okStatus, CancellationToken ct)
    {
        if (!ScheduleId().IsMatch(id)) return Problems.NotFound($"no schedule '{id}'");
        return await Ask(registry, options, message, ct) switch
        {
            ScheduleFound when okStatus == StatusCodes.Status204NoContent => Results.NoContent(),
            ScheduleFound f => Results.Json(Public(f.View), ApiJson.Options, statusCode: okStatus),
            ScheduleNotFound => Problems.NotFound($"no schedule '{id}'"),
            var other => Unexpected(other),
        };
    }

    /// <summary>The caller's tenant; an admin names another with <c>?tenant=</c>.</summary>
    private static string Tenant(HttpContext http)
    {
        var caller = http.Principal();
        return caller.ListTenant(http.Request.Query["tenant"].FirstOrDefault() is { Length: > 0 } t ? t : null) ?? caller.Tenant;
    }

    private static async Task<IJobsMessage?> Ask(ActorRegistry registry, JobsOptions options, IWithScheduleGroup message, CancellationToken ct)
    {
        var region = await registry.GetAsync<ScheduleRegion>(ct);
        try
        {
            return await region.Ask<IJobsMessage>(message, options.Node.AskTimeout, ct);
        }
        catch (AskTimeoutException)
        {
            return null; // the tenant's schedule group is moving between nodes (failover)
        }
    }

    private static IResult Unexpected(IJobsMessage? reply) => reply is null
        ? Problems.Unavailable("the schedules of this tenant did not answer (their node may be failing over); nothing was changed, retry shortly")
        : throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}");

    /// <summary>The body of POST /api/schedules into a command, or a <see cref="RequestException"/> naming the field.</summary>
    public static PutSchedule Parse(JsonElement body, JobRequestParser parser, ApiPrincipal caller)
    {
        if (body.ValueKind != JsonValueKind.Object) throw Bad("", "a schedule must be a JSON object {\"id\", \"cron\", \"job\", ...}");
        foreach (var p in body.EnumerateObject())
            if (!Fields.Contains(p.Name))
                throw Bad(p.Name, $"unknown field '{p.Name}'; known fields: {string.Join(", ", Fields)}");

        var id = String(body, "id") ?? throw Bad("id", "id is required");
        if (!ScheduleId().IsMatch(id)) throw Bad("id", "id must be a string of 1..128 characters from [A-Za-z0-9_.-]");

        var cron = String(body, "cron") ?? throw Bad("cron", "cron is required");
        try
        {
            ScheduleRules.ParseCron(cron);
        }
        catch (CronFormatException e)
        {
            throw Bad("cron", $"cron '{cron}' is not valid: {e.Message} (5 fields: minute hour day month weekday, or 6 with seconds first)");
        }

        var timeZone = String(body, "timeZone") ?? "UTC";
        if (ScheduleRules.FindZone(timeZone) is null) throw Bad("timeZone", $"unknown time zone '{timeZone}'; use an IANA name such as Europe/Berlin");

        if (!body.TryGetProperty("job", out var jobEl) || jobEl.ValueKind == JsonValueKind.Null) throw Bad("job", "job is required (a job as in POST /api/jobs)");
        var job = parser.Parse(jobEl, "job.", caller);
        if (job.RunAt is not null) throw Bad("job.runAt", "a schedule's job has no runAt: each tick's job starts at the tick (plus jitterMs)");
        if (job.IdempotencyKey is not null) throw Bad("job.idempotencyKey", "a schedule's job has no idempotencyKey: each tick's job is named by the schedule and the tick");
        if (job.DependsOn.Count > 0) throw Bad("job.dependsOn", "a schedule's job cannot depend on other jobs");

        var misfire = String(body, "misfire") switch
        {
            null or "skip" => MisfirePolicy.Skip,
            "once" => MisfirePolicy.Once,
            "all" => MisfirePolicy.All,
            var other => throw Bad("misfire", $"misfire '{other}' is not one of skip, once, all"),
        };
        var maxCatchUp = Int(body, "maxCatchUp", 1, ScheduleRules.MaxCatchUpLimit) ?? 10;
        var jitterMs = Int(body, "jitterMs", 0, ScheduleRules.MaxJitterMs) ?? 0;

        var spec = new ScheduleSpec { Cron = cron, TimeZone = timeZone, Job = job, Misfire = misfire, MaxCatchUp = maxCatchUp, JitterMs = jitterMs };
        return new PutSchedule(job.Tenant, id, spec, ScheduleRules.MaxPerTenant);
    }

    private static RequestException Bad(string field, string detail) => new(400, detail, field.Length == 0 ? null : field);

    private static string? String(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad(name, $"{name} must be a string");
    }

    private static int? Int(JsonElement o, string name, int min, int max)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var l) || l < min || l > max)
            throw Bad(name, $"{name} must be an integer {min}..{max}");
        return (int)l;
    }

    /// <summary>The API's schedule view (docs/api.md).</summary>
    private static object Public(ScheduleView v) => new
    {
        id = v.Id,
        tenant = v.Tenant,
        cron = v.Spec.Cron,
        timeZone = v.Spec.TimeZone,
        job = PublicJob(v.Spec.Job),
        paused = v.Paused,
        nextRunAt = v.NextRunAt,
        lastRunAt = v.LastRunAt,
        lastJobId = v.LastJobId,
        misfire = v.Spec.Misfire.ToString().ToLowerInvariant(),
        maxCatchUp = v.Spec.MaxCatchUp,
        jitterMs = v.Spec.JitterMs,
        node = v.Node,
    };

    /// <summary>The job each tick submits, in the shape of POST /api/jobs.</summary>
    private static object PublicJob(JobSpec j) => new
    {
        type = j.Type,
        payload = j.Payload is null ? (JsonElement?)null : JsonDocument.Parse(j.Payload).RootElement,
        queue = j.Queue,
        priority = j.Priority,
        maxAttempts = j.MaxAttempts,
        backoff = j.Backoff,
        timeoutMs = j.TimeoutMs,
        dedupe = j.Dedupe,
        tenant = j.Tenant,
        metadata = j.Metadata is null ? (JsonElement?)null : JsonDocument.Parse(j.Metadata).RootElement,
    };

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex ScheduleId();
}
