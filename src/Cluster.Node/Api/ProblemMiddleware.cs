using Akka.Actor;

namespace Jobs.Node.Api;

/// <summary>
/// Turns what escapes an endpoint into problem+json. A partition that does not answer in time
/// (typically while it moves between nodes after a failure) is a 503 with Retry-After, not a 500.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (AskTimeoutException) when (!http.Response.HasStarted)
        {
            await Problems.Busy("the partition owning this job did not answer in time (it may be moving between nodes); " +
                                "retry — for a submission, with an idempotencyKey so a retry cannot duplicate it").ExecuteAsync(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            log.LogError(e, "unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            await Problems.Of(StatusCodes.Status500InternalServerError, "Internal error", "the node failed to handle the request; see its log").ExecuteAsync(http);
        }
    }
}
