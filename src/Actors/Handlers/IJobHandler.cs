using System.Text.Json;

namespace Jobs.Actors.Handlers;

/// <summary>
/// A job type's code. One instance runs one attempt. Return any JSON-serializable value (or a
/// <see cref="RawJson"/>) as the result. Throw <see cref="PermanentJobException"/> for a failure
/// that retrying cannot fix; any other exception is transient and retried with backoff. Observe
/// the token: it is cancelled on job cancellation and on the attempt's timeout.
/// </summary>
public interface IJobHandler
{
    Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken);
}

/// <summary>Optional: reject a bad payload at submission (HTTP 400) instead of at run time.</summary>
public interface IValidatesPayload
{
    /// <returns>null when valid, else what is wrong (shown to the caller).</returns>
    string? ValidatePayload(JsonElement? payload);
}

/// <summary>A handler with a typed payload, deserialized from the job's JSON (camelCase).</summary>
public abstract class JobHandler<TPayload> : IJobHandler
{
    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken) =>
        HandleAsync(context.GetPayload<TPayload>(), context, cancellationToken);

    protected abstract Task<object?> HandleAsync(TPayload payload, JobContext context, CancellationToken cancellationToken);
}

/// <summary>A result that is already JSON text.</summary>
public sealed record RawJson(string Json);

/// <summary>The attempt cannot succeed by retrying: the job goes to the DLQ at once.</summary>
public class PermanentJobException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Retry this attempt (the default for any exception; this type only makes it explicit). With
/// <see cref="RetryAfter"/> (e.g. a 429's Retry-After) the next attempt waits at least that long.
/// </summary>
public class TransientJobException(string message, Exception? inner = null, TimeSpan? retryAfter = null) : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The attempt ran out of time (the handler's own limit, e.g. a sandbox timeout).</summary>
public class JobTimeoutException(string message, Exception? inner = null) : Exception(message, inner);
