namespace Jobs.Node.Api;

/// <summary>RFC 7807 problem+json answers with a detail that tells the caller what to fix.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Of(int status, string title, string detail, string? field = null) =>
        Results.Json(new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["field"] = field,
        }.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value), ApiJson.Options, ContentType, status);

    /// <summary>The problem's title for a status.</summary>
    public static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        414 => "URI too long",
        415 => "Unsupported media type",
        431 => "Request header fields too large",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };

    public static IResult BadRequest(string detail, string? field = null) =>
        Of(StatusCodes.Status400BadRequest, "Bad request", detail, field);

    public static IResult TooLarge(string detail, string? field = null) =>
        Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail, field);

    public static IResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Of(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult Busy(string detail) => new RetryAfter(Of(StatusCodes.Status503ServiceUnavailable, "Busy", detail), 1);

    public static IResult Unavailable(string detail) => Of(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail);
}

internal sealed class RetryAfter(IResult inner, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}

/// <summary>Bad input found while reading a request: becomes a 400 (or 413) problem naming the field.</summary>
public sealed class RequestException(int status, string detail, string? field = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string? Field { get; } = field;

    public IResult ToResult() => Problems.Of(Status, Problems.Title(Status), Message, Field);
}
