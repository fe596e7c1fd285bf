using Jobs.Actors.Handlers;
using Jobs.Messages;

namespace Jobs.Actors.Supervision;

/// <summary>Thrown by a <see cref="JobRunner"/> when its attempt fails; carries the handler's exception to the supervisor.</summary>
public sealed class JobAttemptFailedException(string jobId, int attempt, Exception cause, bool timedOut, bool cancelled)
    : Exception($"job {jobId} attempt {attempt} failed: {cause.Message}", cause)
{
    public string JobId { get; } = jobId;
    public int Attempt { get; } = attempt;
    public bool TimedOut { get; } = timedOut;
    public bool Cancelled { get; } = cancelled;
}

/// <summary>Maps a failure to its kind: the supervision strategy's decision input. Pure.</summary>
public static class FailureClassifier
{
    /// <summary>The kind, the message, and the least wait before a retry the handler asked for (a Retry-After).</summary>
    public static (FailureKind Kind, string Message, TimeSpan? RetryAfter) Classify(Exception e)
    {
        if (e is not JobAttemptFailedException f)
            return (FailureKind.Transient, $"runner crashed: {e.GetType().Name}: {e.Message}", null);
        var cause = f.InnerException!;
        if (f.Cancelled) return (FailureKind.Cancelled, "cancelled by request", null);
        if (f.TimedOut) return (FailureKind.Timeout, cause.Message, null);
        return cause switch
        {
            PermanentJobException => (FailureKind.Permanent, cause.Message, null),
            JobTimeoutException or TimeoutException => (FailureKind.Timeout, cause.Message, null),
            TransientJobException t => (FailureKind.Transient, cause.Message, t.RetryAfter),
            _ => (FailureKind.Transient, $"{cause.GetType().Name}: {cause.Message}", null),
        };
    }
}
