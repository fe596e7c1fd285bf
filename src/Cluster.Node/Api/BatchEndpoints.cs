using System.Text.Json;
using System.Text.RegularExpressions;
using Jobs.Actors.Batches;
using Jobs.Actors.Hosting;
using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>/api/batches (docs/api.md): a batch goes through the consistent-hash router to its coordinator.</summary>
public static partial class BatchEndpoints
{
    public const int MaxJobsPerBatch = 10_000;
    public const long MaxBatchBodyBytes = 32 * 1024 * 1024;

    public static void MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/batches", Submit).WithTags("batches").WithName("submitBatch").WithSummary("Submit up to 10,000 jobs as one batch")
            .Accepts<BatchSubmission>("application/json")
            .Produces<BatchSummary>(StatusCodes.Status202Accepted).Produces<BatchSummary>(StatusCodes.Status200OK)
            .ProducesProblems(400, 409, 413, 415, 429, 503);
        app.MapGet("/api/batches", List).WithTags("batches").WithName("listBatches").WithSummary("List batches, newest first, with their counts")
            .WithQuery("tenant", "admin keys only: the batches of this tenant (default: every tenant's; other keys always see their own)")
            .WithQuery("limit", "page size (default 50)", Microsoft.OpenApi.JsonSchemaType.Integer, minimum: 1, maximum: 1000)
            .WithQuery("cursor", "the nextCursor of the previous page, unchanged, with the same tenant")
            .Produces<BatchList>().ProducesProblems(400);
        app.MapGet("/api/batches/{id}", Get).WithTags("batches").WithName("getBatch").WithSummary("A batch's counts and status")
            .WithQuery("tenant", "admin keys only: the batch of this tenant (default: the key's own)")
            .Produces<BatchSummary>().ProducesProblems(404, 503);
    }

    private static async Task<IResult> Submit(HttpRequest request, JobRequestParser parser, JobClient client, QuotaGate quotas, CancellationToken ct)
    {
        SubmitBatch batch;
        var caller = request.HttpContext.Principal();
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(request, MaxBatchBodyBytes, ct);
            batch = Parse(doc.RootElement, parser, caller);
            await new DependencyCheck(client, caller).RequireBatchAsync(batch.Jobs.Select(j => j.DependsOn).ToArray(), BatchJobIds.For(batch), ct);
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        // a tenant other than the default one may hold the batch under its bare id: re-posting it adds nothing
        if (batch.Tenant != BatchKeys.DefaultTenant && await client.GetBatchAsync(batch.BatchId, batch.Tenant, ct) is { } held)
            return Answer(held with { Created = false });
        if (await quotas.ReserveAsync(batch.Tenant, batch.Jobs.Count, ct) is { } overQuota) return overQuota;
        try
        {
            var view = await client.SubmitBatchAsync(batch, ct);
            if (!view.Created) await quotas.ReleaseAsync(batch.Tenant, batch.Jobs.Count, ct); // a re-post adds nothing
            return Answer(view);
        }
        catch (JobEngineBusyException e)
        {
            await quotas.ReleaseAsync(batch.Tenant, batch.Jobs.Count, ct);
            return Problems.Busy(e.Message);
        }
        catch (BatchIdTakenException e)
        {
            await quotas.ReleaseAsync(batch.Tenant, batch.Jobs.Count, ct);
            return Problems.Conflict(e.Message);
        }
    }

    private static IResult Answer(BatchView view) =>
        Results.Json(Public(view), ApiJson.Options, statusCode: view.Created ? StatusCodes.Status202Accepted : StatusCodes.Status200OK)
            .WithLocation($"/api/batches/{Uri.EscapeDataString(view.Id)}");

    /// <summary>The caller's tenant's batches (an admin's: every tenant's, or the one it names), from the read model's batch table.</summary>
    private static async Task<IResult> List(HttpContext http, IJobReadStore store, CancellationToken ct)
    {
        var q = http.Request.Query;
        var tenant = http.Principal().ListTenant(q["tenant"].FirstOrDefault() is { Length: > 0 } t ? t : null);
        var limit = 50;
        if (q["limit"].FirstOrDefault() is { Length: > 0 } raw && !(int.TryParse(raw, out limit) && limit is >= 1 and <= 1000))
            return Problems.BadRequest("limit must be an integer 1..1000", "limit");
        try
        {
            var page = await store.ListBatchesAsync(tenant, limit, q["cursor"].FirstOrDefault() is { Length: > 0 } c ? c : null, ct);
            return Results.Json(new BatchList(
                page.Items.Select(b => new BatchListItem(b.Id, b.Tenant, b.CreatedAt, b.Total, b.Pending, b.Running, b.Completed, b.Failed, b.Cancelled, b.Status)).ToArray(),
                page.NextCursor), ApiJson.Options);
        }
        catch (Exception e) when (e is ArgumentException { ParamName: "cursor" } or OverflowException)
        {
            return Problems.BadRequest("cursor is not one this API returned; start again without it", "cursor");
        }
    }

    /// <summary>A batch is the caller's tenant's; an admin names another tenant with <c>?tenant=</c>.</summary>
    private static async Task<IResult> Get(string id, HttpContext http, JobClient client, CancellationToken ct)
    {
        if (!BatchId().IsMatch(id)) return Problems.NotFound($"no batch '{id}'");
        var caller = http.Principal();
        var tenant = caller.ListTenant(http.Request.Query["tenant"].FirstOrDefault() is { Length: > 0 } t ? t : null) ?? caller.Tenant;
        return await client.GetBatchAsync(id, tenant, ct) is { } view && caller.Sees(view.Tenant)
            ? Results.Json(Public(view), ApiJson.Options)
            : Problems.NotFound($"no batch '{id}'");
    }

    private static SubmitBatch Parse(JsonElement body, JobRequestParser parser, ApiPrincipal caller)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new RequestException(400, "a batch must be a JSON object {\"id\"?, \"jobs\": [...]}");
        foreach (var p in body.EnumerateObject())
            if (p.Name is not ("id" or "jobs"))
                throw new RequestException(400, $"unknown field '{p.Name}'; known fields: id, jobs", p.Name);
        string id;
        if (body.TryGetProperty("id", out var idEl) && idEl.ValueKind != JsonValueKind.Null)
        {
            if (idEl.ValueKind != JsonValueKind.String || !BatchId().IsMatch(idEl.GetString()!))
                throw new RequestException(400, "id must be a string of 1..128 characters from [A-Za-z0-9_.-]", "id");
            id = idEl.GetString()!;
        }
        else id = "batch-" + JobIds.NewId(DateTimeOffset.UtcNow);
        if (!body.TryGetProperty("jobs", out var jobs) || jobs.ValueKind != JsonValueKind.Array)
            throw new RequestException(400, "jobs must be an array of jobs (as in POST /api/jobs)", "jobs");
        var count = jobs.GetArrayLength();
        if (count == 0) throw new RequestException(400, "jobs is empty; a batch needs at least one job", "jobs");
        if (count > MaxJobsPerBatch) throw new RequestException(400, $"jobs has {count} entries; the limit is {MaxJobsPerBatch}", "jobs");
        var specs = new JobSpec[count];
        var i = 0;
        foreach (var job in jobs.EnumerateArray())
        {
            specs[i] = parser.Parse(job, $"jobs[{i}].", caller);
            i++;
        }
        var tenants = specs.Select(s => s.Tenant).Distinct().ToArray();
        if (tenants.Length > 1) throw new RequestException(400, "all jobs of a batch must have the same tenant", "jobs");
        RequireDistinctIdempotencyKeys(specs);
        return new SubmitBatch(id, tenants[0], specs);
    }

    /// <summary>Two jobs of one batch with the same key would be one job counted twice: the batch would wait for a job it never gets.</summary>
    private static void RequireDistinctIdempotencyKeys(JobSpec[] specs)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < specs.Length; i++)
            if (specs[i].IdempotencyKey is { } key && !first.TryAdd(key, i))
                throw new RequestException(400,
                    $"jobs[{first[key]}] and jobs[{i}] have the same idempotencyKey '{key}'; each job of a batch needs its own key (or none)", $"jobs[{i}].idempotencyKey");
    }

    /// <summary>The API's batch view (docs/api.md): counts, status and the coordinator's node.</summary>
    private static object Public(BatchView v) => new
    {
        id = v.Id,
        tenant = v.Tenant,
        total = v.Total,
        pending = v.Pending,
        running = v.Running,
        completed = v.Completed,
        failed = v.Failed,
        cancelled = v.Cancelled,
        expired = v.Expired,
        status = v.Status,
        node = v.Node,
        jobIds = v.JobIds,
    };

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex BatchId();
}
