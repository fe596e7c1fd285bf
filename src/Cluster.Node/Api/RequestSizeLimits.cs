using Jobs.Node.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Jobs.Node.Api;

/// <summary>
/// The API's limits on the request target (path and query) and on the headers, answered as
/// problem+json: 414 and 431. Kestrel enforces its own, higher, limits while it parses a request,
/// before any middleware runs, and answers those with an empty body (<see cref="NodeDefaults"/>).
/// </summary>
public sealed class RequestSizeLimits(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        if (target.Length > NodeDefaults.MaxRequestTargetChars)
            return Problems.Of(StatusCodes.Status414UriTooLong, Problems.Title(StatusCodes.Status414UriTooLong),
                $"the request target (path and query) is {target.Length} characters; the limit is {NodeDefaults.MaxRequestTargetChars}: " +
                "shorten the query, or send the data in a request body").ExecuteAsync(http);
        long headerBytes = 0;
        foreach (var (name, values) in http.Request.Headers)
            foreach (var value in values)
                headerBytes += name.Length + (value?.Length ?? 0) + 4; // "name: value\r\n"
        if (headerBytes > NodeDefaults.MaxRequestHeaderBytes)
            return Problems.Of(StatusCodes.Status431RequestHeaderFieldsTooLarge, Problems.Title(StatusCodes.Status431RequestHeaderFieldsTooLarge),
                $"the request headers are {headerBytes} bytes; the limit is {NodeDefaults.MaxRequestHeaderBytes}: send fewer or shorter headers").ExecuteAsync(http);
        return next(http);
    }
}
