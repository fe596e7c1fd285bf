namespace Jobs.Handlers;

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

/// <summary>
/// The process that ran the attempt died or had to be stopped (out of memory, a stack overflow, a
/// broken sandbox): kind <c>crashed</c>, permanent — running it again would crash again.
/// </summary>
public class CrashedJobException(string message, Exception? inner = null) : PermanentJobException(message, inner);
