using System.Text.RegularExpressions;
using Jobs.Actors.Hosting;
using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>/api/jobs and /api/dlq (docs/api.md).</summary>
public static partial class JobEndpoints
{
    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("jobs");
        jobs.MapPost("", Submit).WithName("submitJob").WithSummary("Submit a job")
            .Accepts<JobSubmission>("application/json")
            .Produces<JobView>(StatusCodes.Status202Accepted).Produces<JobView>(StatusCodes.Status200OK)
            .ProducesProblems(400, 413, 415, 429, 503);
        jobs.MapGet("", List).WithName("listJobs").WithSummary("List jobs, newest first")
            .WithQuery("status", "pending, scheduled, running, completed, failed or cancelled")
            .WithQuery("type", "a job type").WithQuery("queue", "a queue").WithQuery("batchId", "the jobs of one batch")
            .WithQuery("scheduleId", "the jobs one schedule created")
            .WithQuery("q", "jobs whose id starts with this text, or with this text as a top-level metadata value (1..256 characters)")
            .WithQuery("from", $"jobs created at or after this time ({IsoTime.Shape})")
            .WithQuery("to", $"jobs created before this time ({IsoTime.Shape}); after from")
            .WithListQueries()
            .Produces<JobList>().ProducesProblems(400);
        jobs.MapGet("/{id}", Get).WithName("getJob").WithSummary("One job")
            .Produces<JobView>().ProducesProblems(404, 503);
        jobs.MapPost("/{id}/cancel", Cancel).WithName("cancelJob").WithSummary("Cancel a job")
            .Produces<JobView>(StatusCodes.Status202Accepted).ProducesProblems(404, 409, 503);
        jobs.MapGet("/{id}/events", JobEventStream.Stream).WithName("streamJobEvents")
            .WithSummary("A job's events as Server-Sent Events: its history, then live events until a terminal one")
            .Produces<JobEventData>(StatusCodes.Status200OK, "text/event-stream").ProducesProblems(404, 429, 503);

        var dlq = app.MapGroup("/api/dlq").WithTags("dlq");
        dlq.MapGet("", ListDeadLetters).WithName("listDeadLetters").WithSummary("List the dead-letter queue (failed jobs), newest first")
            .WithListQueries()
            .Produces<JobList>().ProducesProblems(400);
        dlq.MapPost("/{id}/requeue", Requeue).WithName("requeueJob").WithSummary("Run a failed job again, its attempts reset")
            .Produces<JobView>(StatusCodes.Status202Accepted).ProducesProblems(404, 409, 503);
        dlq.MapDelete("/{id}", Purge).WithName("purgeJob").WithSummary("Purge a failed job from the dead-letter queue")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(404, 409, 503);

        app.MapGet("/api/job-counts", Counts).WithTags("jobs").WithName("countJobs")
            .WithSummary("How many jobs are in each status and in the dead-letter queue (maintained counts, no scan)")
            .WithQuery("tenant", "admin keys only: this tenant's counts (default: every tenant's; other keys always get their own)")
            .Produces<JobCountsBody>();
        app.MapGet("/api/types", (Jobs.Actors.Attempts.JobHandlerRegistry h) => Results.Json(new { types = h.Types }, ApiJson.Options))
            .WithTags("jobs").WithName("listJobTypes").WithSummary("The job types this node runs")
            .Produces<JobTypes>();
    }

    /// <summary>The paging and tenant parameters of the job lists.</summary>
    private static RouteHandlerBuilder WithListQueries(this RouteHandlerBuilder route) => route
        .WithQuery("tenant", "admin keys only: the jobs of this tenant (other keys always see their own)")
        .WithQuery("limit", "page size (default 50)", Microsoft.OpenApi.JsonSchemaType.Integer, minimum: 1, maximum: 1000)
        .WithQuery("cursor", "the nextCursor of the previous page, unchanged, with the same filters");

    private static async Task<IResult> Submit(HttpRequest request, JobRequestParser parser, JobClient client, QuotaGate quotas, CancellationToken ct)
    {
        JobSpec spec;
        var caller = request.HttpContext.Principal();
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(request, JobRequestParser.MaxJobBodyBytes, ct);
            spec = parser.Parse(doc.RootElement, caller: caller);
            await new DependencyCheck(client, caller).RequireJobsAsync(spec.DependsOn, "", ct);
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        if (await quotas.ReserveAsync(spec.Tenant, 1, ct) is { } overQuota) return overQuota;
        JobView view;
        bool created;
        try
        {
            (view, created) = await client.SubmitAsync(spec, ct: ct);
        }
        catch (JobEngineBusyException e)
        {
            await quotas.ReleaseAsync(spec.Tenant, 1, ct);
            return Problems.Busy($"the node is saturated, nothing was stored; retry shortly ({e.Message})");
        }
        if (!created) await quotas.ReleaseAsync(spec.Tenant, 1, ct); // the same job again (idempotency key): not a new one
        var location = $"/api/jobs/{view.Id}";
        return created
            ? Results.Json(view, ApiJson.Options, statusCode: StatusCodes.Status202Accepted).WithLocation(location)
            : Results.Json(view, ApiJson.Options, statusCode: StatusCodes.Status200OK).WithLocation(location);
    }

    private static async Task<IResult> Get(string id, HttpContext http, JobClient client, CancellationToken ct)
    {
        if (!ValidId(id)) return Problems.NotFound($"no job '{id}'");
        var view = await client.GetAsync(id, ct);
        return view is null || !http.Principal().Sees(view.Tenant) ? Problems.NotFound($"no job '{id}'") : Results.Json(view, ApiJson.Options);
    }

    /// <summary>Whether the job exists for this caller (another tenant's job does not).</summary>
    internal static async Task<bool> Visible(HttpContext http, JobClient client, string id, CancellationToken ct) =>
        ValidId(id) && await client.GetAsync(id, ct) is { } view && http.Principal().Sees(view.Tenant);

    private static async Task<IResult> List(HttpRequest request, IJobReadStore store, CancellationToken ct)
    {
        JobQuery query;
        try
        {
            var q = request.Query;
            JobStatus? status = null;
            if (q["status"].FirstOrDefault() is { Length: > 0 } s)
                status = Enum.TryParse<JobStatus>(s, ignoreCase: true, out var parsed) && !int.TryParse(s, out _)
                    ? parsed
                    : throw new RequestException(400, $"status '{s}' is not one of pending, scheduled, running, completed, failed, cancelled", "status");
            query = new JobQuery
            {
                Status = status,
                Type = Nonempty(q["type"]),
                Queue = Nonempty(q["queue"]),
                Tenant = request.HttpContext.Principal().ListTenant(Nonempty(q["tenant"])),
                BatchId = Nonempty(q["batchId"]),
                ScheduleId = Nonempty(q["scheduleId"]),
                Search = Search(q["q"]),
                CreatedFrom = Time(q["from"], "from"),
                CreatedTo = Time(q["to"], "to"),
                Limit = Limit(q["limit"]),
                Cursor = Nonempty(q["cursor"]),
            };
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        if (query is { CreatedFrom: { } from, CreatedTo: { } to } && to <= from)
            return Problems.BadRequest("to must be after from", "to");
        return await Page(store, query, ct);
    }

    private static async Task<IResult> Counts(HttpContext http, IJobReadStore store, CancellationToken ct)
    {
        var tenant = http.Principal().ListTenant(Nonempty(http.Request.Query["tenant"]));
        var c = await store.CountsAsync(tenant, ct);
        long N(JobStatus s) => c.ByStatus.GetValueOrDefault(s);
        return Results.Json(new JobCountsBody(tenant, N(JobStatus.Pending), N(JobStatus.Scheduled), N(JobStatus.Running), N(JobStatus.Completed),
            N(JobStatus.Failed), N(JobStatus.Cancelled), c.DeadLetters, c.Total), ApiJson.Options);
    }

    private static string? Search(Microsoft.Extensions.Primitives.StringValues v) => Nonempty(v) is { } s
        ? s.Length <= MetadataValues.MaxChars ? s : throw new RequestException(400, $"q must be 1..{MetadataValues.MaxChars} characters (a job id's start or a metadata value)", "q")
        : null;

    private static DateTimeOffset? Time(Microsoft.Extensions.Primitives.StringValues v, string name) => Nonempty(v) is { } raw
        ? IsoTime.TryParse(raw, out var t) ? t : throw new RequestException(400, $"{name} must be a time {IsoTime.Shape}", name)
        : null;

    private static async Task<IResult> ListDeadLetters(HttpRequest request, IJobReadStore store, CancellationToken ct)
    {
        try
        {
            var q = request.Query;
            return await Page(store, new JobQuery
            {
                DeadLettersOnly = true,
                Limit = Limit(q["limit"]),
                Cursor = Nonempty(q["cursor"]),
                Tenant = request.HttpContext.Principal().ListTenant(Nonempty(q["tenant"])),
            }, ct);
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
    }

    private static async Task<IResult> Page(IJobReadStore store, JobQuery query, CancellationToken ct)
    {
        try
        {
            var page = await store.ListAsync(query, DateTimeOffset.UtcNow, ct);
            return Results.Json(new { items = page.Items, nextCursor = page.NextCursor }, ApiJson.Options);
        }
        // the store's decoder refuses a cursor it cannot read; a number past 64 bits overflows instead
        catch (Exception e) when (query.Cursor is not null && (e is ArgumentException { ParamName: "cursor" } or OverflowException))
        {
            return Problems.BadRequest("cursor is not one this API returned; start again without it", "cursor");
        }
    }

    private static Task<IResult> Cancel(string id, HttpContext http, JobClient client, CancellationToken ct) =>
        Command(http, client, id, () => client.CancelAsync(id, ct), StatusCodes.Status202Accepted, ct);

    private static Task<IResult> Requeue(string id, HttpContext http, JobClient client, CancellationToken ct) =>
        Command(http, client, id, () => client.RequeueAsync(id, ct), StatusCodes.Status202Accepted, ct);

    private static Task<IResult> Purge(string id, HttpContext http, JobClient client, CancellationToken ct) =>
        Command(http, client, id, () => client.PurgeAsync(id, ct), StatusCodes.Status204NoContent, ct);

    private static async Task<IResult> Command(HttpContext http, JobClient client, string id, Func<Task<JobCommandResult>> command, int okStatus, CancellationToken ct)
    {
        if (!ValidId(id)) return Problems.NotFound($"no job '{id}'");
        if (http.Principal().Role != Security.ApiRole.Admin && !await Visible(http, client, id, ct)) return Problems.NotFound($"no job '{id}'");
        return await command() switch
        {
            JobCommandResult.Ok ok when okStatus == StatusCodes.Status204NoContent => Results.NoContent(),
            JobCommandResult.Ok ok => Results.Json(ok.View, ApiJson.Options, statusCode: okStatus),
            JobCommandResult.Conflict c => Problems.Conflict(c.Detail),
            _ => Problems.NotFound($"no job '{id}'"),
        };
    }

    internal static IResult WithLocation(this IResult result, string location) => new LocationResult(result, location);

    private static string? Nonempty(Microsoft.Extensions.Primitives.StringValues v) => v.FirstOrDefault() is { Length: > 0 } s ? s : null;

    private static int Limit(Microsoft.Extensions.Primitives.StringValues v)
    {
        if (v.FirstOrDefault() is not { Length: > 0 } s) return 50;
        return int.TryParse(s, out var l) && l is >= 1 and <= 1000 ? l : throw new RequestException(400, "limit must be an integer 1..1000", "limit");
    }

    public static bool ValidId(string id) => IdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex IdPattern();

    private sealed class LocationResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
