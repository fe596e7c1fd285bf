using System.Text.Json;
using Jobs.Actors.Hosting;
using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>
/// POST /api/dlq/requeue and /api/dlq/purge: every dead-lettered job a filter matches (type,
/// queue, tenant, failure time), at most <see cref="MaxJobs"/> a call; with <c>dryRun</c> only how
/// many it matches, so a confirmation can say it before anything changes.
/// </summary>
public static class DeadLetterBulk
{
    public const int MaxJobs = 10_000;
    private const int InFlight = 16;
    private static readonly string[] Fields = ["type", "queue", "tenant", "failedAfter", "failedBefore", "dryRun"];

    private static readonly (string Action, string Name, string Summary, Func<JobClient, string, CancellationToken, Task<JobCommandResult>> Act)[] Actions =
    [
        ("requeue", "requeueDeadLetters", "Run every dead-lettered job a filter matches again", (c, id, ct) => c.RequeueAsync(id, ct)),
        ("purge", "purgeDeadLetters", "Purge every dead-lettered job a filter matches", (c, id, ct) => c.PurgeAsync(id, ct)),
    ];

    public static void MapDeadLetterBulk(this IEndpointRouteBuilder app)
    {
        foreach (var (action, name, summary, act) in Actions)
            app.MapPost("/api/dlq/" + action, (HttpContext http, IJobReadStore store, JobClient client, CancellationToken ct) =>
                    ActAsync(http, store, id => act(client, id, ct), ct))
                .WithTags("dlq").WithName(name)
                .WithSummary($"{summary} (at most {MaxJobs:N0} a call); dryRun counts them only")
                .Accepts<DeadLetterFilter>("application/json")
                .Produces<DeadLettersChanged>().ProducesProblems(400, 403, 413, 415);
    }

    private static async Task<IResult> ActAsync(HttpContext http, IJobReadStore store, Func<string, Task<JobCommandResult>> act, CancellationToken ct)
    {
        Filter filter;
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(http.Request, 4096, ct);
            filter = Parse(doc.RootElement, http.Principal());
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        var (matched, truncated) = await MatchAsync(store, filter, ct);
        var changed = 0;
        if (!filter.DryRun)
        {
            using var gate = new SemaphoreSlim(InFlight);
            var results = await Task.WhenAll(matched.Select(async id =>
            {
                await gate.WaitAsync(ct);
                try
                {
                    return await act(id) is JobCommandResult.Ok;
                }
                finally
                {
                    gate.Release();
                }
            }));
            changed = results.Count(ok => ok);
        }
        return Results.Json(new DeadLettersChanged(matched.Count, changed, filter.DryRun, truncated), ApiJson.Options);
    }

    private sealed record Filter(string? Type, string? Queue, string? Tenant, DateTimeOffset? After, DateTimeOffset? Before, bool DryRun);

    /// <summary>The matching jobs' ids, newest failure first: the DLQ is read in its order and stops below <c>failedAfter</c>.</summary>
    private static async Task<(List<string> Ids, bool Truncated)> MatchAsync(IJobReadStore store, Filter f, CancellationToken ct)
    {
        var ids = new List<string>();
        var query = new JobQuery { DeadLettersOnly = true, Type = f.Type, Queue = f.Queue, Tenant = f.Tenant, Limit = 1000 };
        while (true)
        {
            var page = await store.ListAsync(query, DateTimeOffset.UtcNow, ct);
            foreach (var job in page.Items)
            {
                var failedAt = job.CompletedAt ?? job.CreatedAt;
                if (f.After is { } after && failedAt < after) return (ids, false);
                if (f.Before is { } before && failedAt >= before) continue;
                if (ids.Count == MaxJobs) return (ids, true);
                ids.Add(job.Id);
            }
            if (page.NextCursor is null) return (ids, false);
            query = query with { Cursor = page.NextCursor };
        }
    }

    private static Filter Parse(JsonElement root, ApiPrincipal caller)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new RequestException(400, "body must be a JSON object (a filter; {} matches every dead-lettered job)");
        foreach (var p in root.EnumerateObject())
            if (!Fields.Contains(p.Name)) throw new RequestException(400, $"unknown field '{p.Name}'; known: {string.Join(", ", Fields)}", p.Name);
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 128 } s ? s : throw new RequestException(400, $"{name} must be a string of 1..128 characters", name)
            : null;
        DateTimeOffset? Time(string name) => Text(name) is { } raw
            ? IsoTime.TryParse(raw, out var t) ? t : throw new RequestException(400, $"{name} must be a time {IsoTime.Shape}", name)
            : null;
        var dryRun = root.TryGetProperty("dryRun", out var d) && d.ValueKind != JsonValueKind.Null
            && (d.ValueKind is JsonValueKind.True or JsonValueKind.False ? d.GetBoolean() : throw new RequestException(400, "dryRun must be true or false", "dryRun"));
        var tenant = Text("tenant");
        if (tenant is not null && !caller.Sees(tenant)) throw new RequestException(403, $"this key belongs to tenant '{caller.Tenant}'; it cannot act on another tenant's jobs", "tenant");
        var (after, before) = (Time("failedAfter"), Time("failedBefore"));
        if (after is not null && before is not null && before <= after) throw new RequestException(400, "failedBefore must be after failedAfter", "failedBefore");
        return new Filter(Text("type"), Text("queue"), caller.ListTenant(tenant), after, before, dryRun);
    }
}
