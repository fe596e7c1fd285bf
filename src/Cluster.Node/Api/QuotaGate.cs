using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Jobs.Actors.Hosting;
using Jobs.Actors.Settings;
using Jobs.Actors.Usage;
using Jobs.Messages;

namespace Jobs.Node.Api;

/// <summary>
/// Counts submissions per tenant and day (durably, in the tenant-day's usage entity) and refuses
/// them over the tenant's daily limits: 429 problem+json with the limit, what was used and when it
/// resets (+ Retry-After). A reservation whose submission stored nothing new is given back.
/// </summary>
public sealed class QuotaGate(ActorRegistry registry, JobsOptions options)
{
    /// <summary>How long a submission waits for its tenant-day's usage entity (a journal write) before answering 503.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <returns>null when the jobs fit (they are counted), else the 429 to answer.</returns>
    public async Task<IResult?> ReserveAsync(string tenant, int jobs, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var usage = await registry.GetAsync<UsageRegion>(ct);
        IJobsMessage answer;
        try
        {
            answer = await usage.Ask<IJobsMessage>(new ReserveJobs(tenant, DateOnly.FromDateTime(now.UtcDateTime), jobs, options.Api.QuotaTable.For(tenant)), AskTimeout, ct);
        }
        catch (AskTimeoutException)
        {
            // the tenant's counter is moving between nodes (failover): refuse rather than count nothing
            return Problems.Busy($"the usage counter of tenant '{tenant}' did not answer; nothing was stored, retry shortly");
        }
        if (answer is not UsageOverQuota over) return null;
        var reset = QuotaTable.ResetAfter(now);
        var detail = $"tenant '{tenant}' is over its daily {over.Limit}: {over.Used} used of {over.Allowed}" +
                     (over.Limit == "jobsPerDay" ? $", {jobs} more asked" : "") + $"; resets at {reset:O}; nothing was stored";
        return new Throttled(Results.Json(new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = "Quota exceeded",
            ["status"] = StatusCodes.Status429TooManyRequests,
            ["detail"] = detail,
            ["limit"] = over.Limit,
            ["allowed"] = over.Allowed,
            ["used"] = over.Used,
            ["resetsAt"] = reset,
        }, ApiJson.Options, Problems.ContentType, StatusCodes.Status429TooManyRequests), (int)Math.Ceiling((reset - now).TotalSeconds));
    }

    public async Task ReleaseAsync(string tenant, int jobs, CancellationToken ct)
    {
        if (jobs <= 0) return;
        (await registry.GetAsync<UsageRegion>(ct)).Tell(new ReleaseJobs(tenant, DateOnly.FromDateTime(DateTime.UtcNow), jobs));
    }

    private sealed class Throttled(IResult inner, int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
