using Jobs.Handlers;
using Jobs.Messages;

namespace Jobs.Actors.Attempts;

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
