using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>Exponential backoff with jitter, and what follows a failed attempt. Pure.</summary>
public static class RetryPolicy
{
    /// <summary>
    /// Delay before the attempt after <paramref name="failedAttempt"/>: initialMs × 2^(failedAttempt-1),
    /// capped at maxMs, then scaled by a factor in [1-jitter, 1+jitter] chosen by <paramref name="random01"/>.
    /// </summary>
    public static TimeSpan Backoff(BackoffPolicy policy, int failedAttempt, double random01)
    {
        var exponent = Math.Clamp(failedAttempt - 1, 0, 62);
        var raw = Math.Min(policy.MaxMs, policy.InitialMs * Math.Pow(2, exponent));
        var factor = 1 + policy.Jitter * (2 * Math.Clamp(random01, 0, 1) - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, raw * factor));
    }

    /// <summary>The events that record a failed attempt and decide its sequel: retry, dead-letter or cancel.</summary>
    public static IReadOnlyList<IJobEvent> AfterFailure(JobRecord job, int attempt, FailureKind kind, string message, DateTimeOffset now, double random01,
        TimeSpan? retryAfter = null)
    {
        if (kind == FailureKind.Cancelled)
            return [new JobCancelled(job.Id, FailureKind.Cancelled, message, now)];

        var failed = new JobAttemptFailed(job.Id, attempt, kind, message, now);
        var retryable = kind is FailureKind.Transient or FailureKind.Timeout;
        if (retryable && attempt < job.Spec.MaxAttempts)
        {
            var delay = Backoff(job.Spec.Backoff, attempt, random01);
            if (retryAfter is { } least && least > delay) delay = least; // the handler's Retry-After wins over a shorter backoff
            var runAt = now + delay;
            return [failed, new JobRetryScheduled(job.Id, attempt + 1, runAt, now)];
        }

        var why = retryable ? $"gave up after {attempt} of {job.Spec.MaxAttempts} attempts: {message}" : message;
        return [failed, new JobDeadLettered(job.Id, kind, why, now)];
    }
}
