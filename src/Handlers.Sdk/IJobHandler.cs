namespace Jobs.Handlers;

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
