using Jobs.Node.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Jobs.Node.Api;

/// <summary>
/// What every request must be before a route reads it, answered as problem+json: a request target
/// (path and query) of at most 8 KiB (414), headers of at most 32 KiB (431), and each query
/// parameter at most once (400: no route takes a list in the query, and which of two values would
/// count is not something a caller should have to guess). Kestrel enforces its own, higher, size
/// limits while it parses a request, before any middleware runs, and answers those with an empty
/// body (<see cref="NodeDefaults"/>).
/// </summary>
public sealed class RequestShape(RequestDelegate next)
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
        foreach (var (name, values) in http.Request.Query)
            if (values.Count > 1)
                return Problems.BadRequest($"query parameter '{name}' is given {values.Count} times; give it once", name).ExecuteAsync(http);
        return next(http);
    }
}
