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
/// Single-job reservations of one tenant-day that overlap in time go to its entity together, as one
/// <see cref="ReserveJobs"/> with <see cref="ReserveJobs.Each"/>: one message and one answer per
/// batch instead of per request, and the entity still decides each job on its own.
/// </summary>
public sealed class QuotaGate
{
    /// <summary>How long a submission waits for its tenant-day's usage entity (a journal write) before answering 503.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Two: the next batch is already at the entity while the previous one is being written.</summary>
    public const int MaxInFlight = 2;

    /// <summary>At most this many single reservations travel in one message.</summary>
    public const int MaxBatch = 1000;

    private readonly ActorRegistry _registry;
    private readonly JobsOptions _options;
    private readonly Lanes<(string Tenant, DateOnly Day), QuotaLimits, IJobsMessage> _singles;

    public QuotaGate(ActorRegistry registry, JobsOptions options)
    {
        _registry = registry;
        _options = options;
        _singles = new(ReserveEachAsync, MaxInFlight, MaxBatch);
    }

    /// <returns>null when the jobs fit (they are counted), else the 429 to answer.</returns>
    public async Task<IResult?> ReserveAsync(string tenant, int jobs, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var limits = _options.Api.QuotaTable.For(tenant);
        IJobsMessage answer;
        try
        {
            answer = jobs == 1
                ? await _singles.SubmitAsync((tenant, day), limits, ct)
                : await (await _registry.GetAsync<UsageRegion>(ct)).Ask<IJobsMessage>(new ReserveJobs(tenant, day, jobs, limits), AskTimeout, ct);
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
        (await _registry.GetAsync<UsageRegion>(ct)).Tell(new ReleaseJobs(tenant, DateOnly.FromDateTime(DateTime.UtcNow), jobs));
    }

    /// <summary>Asks the tenant-day's entity for a batch of single reservations; the first <see cref="UsageReserved.Granted"/> are counted, the rest refused.</summary>
    private async Task ReserveEachAsync((string Tenant, DateOnly Day) key, IReadOnlyList<Lanes<(string, DateOnly), QuotaLimits, IJobsMessage>.Waiting> batch)
    {
        var usage = await _registry.GetAsync<UsageRegion>(CancellationToken.None);
        var answer = await usage.Ask<IJobsMessage>(new ReserveJobs(key.Tenant, key.Day, batch.Count, batch[0].Item) { Each = true }, AskTimeout);
        var (granted, refused) = answer switch
        {
            UsageReserved r => (r.Granted, r.Refused),
            UsageOverQuota over => (0, over),
            _ => throw new InvalidOperationException($"unexpected reply {answer.GetType().Name}"),
        };
        for (var i = 0; i < batch.Count; i++)
            if (i < granted) batch[i].Answer.TrySetResult(answer);
            else if (refused is not null) batch[i].Answer.TrySetResult(refused);
        // a job neither granted nor refused is left to the lane, which fails it: never counted as granted

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
