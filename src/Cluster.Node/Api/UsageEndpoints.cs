using System.Globalization;
using Jobs.Actors.Settings;
using Jobs.Actors.Usage;
using Jobs.Messages;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>
/// GET /api/usage?tenant=&amp;from=&amp;to= — jobs, tokens and cost per UTC day: at most <see cref="MaxDays"/>
/// days, none older than <see cref="HistoryDays"/> days. Days are read from the usage journal
/// (<see cref="UsageReader"/>): a query starts no usage entity, whatever the range.
/// </summary>
public static class UsageEndpoints
{
    public const int MaxDays = 92;

    /// <summary>How far back a query may reach: a year and a day, so the same day last year is in reach.</summary>
    public const int HistoryDays = 366;

    public static void MapUsageEndpoints(this IEndpointRouteBuilder app) => app.MapGet("/api/usage", async (HttpContext http, UsageReader usage, JobsOptions options, CancellationToken ct) =>
    {
        var caller = http.Principal();
        var q = http.Request.Query;
        var tenant = q["tenant"].FirstOrDefault() is { Length: > 0 } t ? t : caller.Role == ApiRole.Admin ? null : caller.Tenant;
        if (tenant is null) return Problems.BadRequest("tenant is required", "tenant");
        if (!ApiKeys.IsTenantName(tenant)) return Problems.BadRequest("tenant must match [a-z0-9-]{1,64}", "tenant");
        if (!caller.Sees(tenant)) return Problems.NotFound($"no usage for tenant '{tenant}'");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (!TryDay(q["from"].FirstOrDefault(), today, out var from)) return Problems.BadRequest("from must be a date yyyy-MM-dd", "from");
        if (!TryDay(q["to"].FirstOrDefault(), from > today ? from : today, out var to)) return Problems.BadRequest("to must be a date yyyy-MM-dd", "to");
        if (to < from) return Problems.BadRequest("to is before from", "to");
        if (to.DayNumber - from.DayNumber + 1 > MaxDays) return Problems.BadRequest($"at most {MaxDays} days per request", "to");
        var earliest = today.AddDays(-HistoryDays);
        if (from < earliest)
            return Problems.BadRequest($"from must be {earliest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} or later (usage is answered for the last {HistoryDays} days)", "from");

        var days = new List<UsageView>();
        for (var day = from; day <= to; day = day.AddDays(1)) days.Add(await usage.ReadAsync(tenant, day, ct));
        var limits = options.Api.QuotaTable.For(tenant);
        return Results.Json(new
        {
            tenant,
            from = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            to = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            days = days.Select(d => new
            {
                day = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                jobs = d.Jobs,
                promptTokens = d.PromptTokens,
                completionTokens = d.CompletionTokens,
                costUsd = d.CostUsd,
            }),
            total = new
            {
                jobs = days.Sum(d => d.Jobs),
                promptTokens = days.Sum(d => d.PromptTokens),
                completionTokens = days.Sum(d => d.CompletionTokens),
                costUsd = days.Sum(d => d.CostUsd),
            },
            limits = new { jobsPerDay = limits.JobsPerDay, tokensPerDay = limits.TokensPerDay },
        }, ApiJson.Options);
    }).WithTags("usage").WithName("getUsage").WithSummary("A tenant's jobs, tokens and cost per UTC day")
        .WithQuery("tenant", "default: the key's own tenant; required for an admin", pattern: "^[a-z0-9-]{1,64}$")
        .WithQuery("from", "the first day, yyyy-MM-dd (default: today, UTC)")
        .WithQuery("to", "the last day, yyyy-MM-dd (default: today, UTC); at most 92 days from from")
        .Produces<Schemas.TenantUsage>().ProducesProblems(400, 404, 503);

    private static bool TryDay(string? raw, DateOnly fallback, out DateOnly day)
    {
        if (string.IsNullOrEmpty(raw))
        {
            day = fallback;
            return true;
        }
        return DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
