using Akka.Actor;

namespace Jobs.Node.Api;

/// <summary>
/// Makes every error answer problem+json with a detail saying what to fix. What escapes an
/// endpoint: a request the framework could not bind (a query parameter of the wrong type) keeps its
/// 4xx; a partition that does not answer in time (typically while it moves between nodes after a
/// failure) is a 503 with Retry-After; anything else is a 500 whose detail points to the log and
/// never carries the exception. An error status that nothing wrote a body for (no such route, a
/// method the route does not take) gets its problem here too.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> log)
{
    /// <summary>How much of a request's path a detail repeats.</summary>
    private const int EchoedPathChars = 200;

    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            await Problems.Of(e.StatusCode, Problems.Title(e.StatusCode),
                $"{e.Message.TrimEnd('.')}; docs/api.md lists what {Echo(http)} takes").ExecuteAsync(http);
            return;
        }
        catch (AskTimeoutException) when (!http.Response.HasStarted)
        {
            await Problems.Busy("the partition owning this job did not answer in time (it may be moving between nodes); " +
                                "retry — for a submission, with an idempotencyKey so a retry cannot duplicate it").ExecuteAsync(http);
            return;
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            log.LogError(e, "unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            await Problems.Of(StatusCodes.Status500InternalServerError, "Internal error", "the node failed to handle the request; see its log").ExecuteAsync(http);
            return;
        }
        var response = http.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentType is null && response.ContentLength is null or 0)
            await Problems.Of(response.StatusCode, Problems.Title(response.StatusCode), EmptyAnswerDetail(http)).ExecuteAsync(http);
    }

    private static string EmptyAnswerDetail(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => $"there is no route {http.Request.Method} {Echo(http)}; docs/api.md lists the routes",
        StatusCodes.Status405MethodNotAllowed =>
            $"{Echo(http)} does not take {http.Request.Method}; it takes {(http.Response.Headers.Allow.Count > 0 ? http.Response.Headers.Allow.ToString() : "other methods")}",
        var status => $"the request was refused ({status} {Problems.Title(status)}); docs/api.md says what each route takes",
    };

    private static string Echo(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        return path.Length <= EchoedPathChars ? path : path[..EchoedPathChars] + "…";
    }
}
