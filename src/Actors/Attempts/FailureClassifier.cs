using Jobs.Handlers;
using Jobs.Messages;

namespace Jobs.Actors.Attempts;

/// <summary>Maps a failure to its kind: the supervision strategy's decision input. Pure.</summary>
public static class FailureClassifier
{
    /// <summary>The kind, the message (at most <paramref name="maxMessageChars"/>), and the least wait before a retry the handler asked for (a Retry-After).</summary>
    public static (FailureKind Kind, string Message, TimeSpan? RetryAfter) Classify(Exception e, int maxMessageChars)
    {
        var (kind, message, retryAfter) = Classify(e);
        return (kind, Cap(message, maxMessageChars), retryAfter);
    }

    /// <summary>A message cut to <paramref name="max"/> characters, saying how much was cut.</summary>
    public static string Cap(string message, int max) =>
        message.Length <= max ? message : string.Concat(message.AsSpan(0, max), $"… ({message.Length - max} more characters)");

    private static (FailureKind Kind, string Message, TimeSpan? RetryAfter) Classify(Exception e)
    {
        if (e is not JobAttemptFailedException f)
            return (FailureKind.Transient, $"runner crashed: {e.GetType().Name}: {e.Message}", null);
        var cause = f.InnerException!;
        if (f.Cancelled) return (FailureKind.Cancelled, "cancelled by request", null);
        if (f.TimedOut) return (FailureKind.Timeout, cause.Message, null);
        return cause switch
        {
            CrashedJobException => (FailureKind.Crashed, cause.Message, null),
            PermanentJobException => (FailureKind.Permanent, cause.Message, null),
            JobTimeoutException or TimeoutException => (FailureKind.Timeout, cause.Message, null),
            TransientJobException t => (FailureKind.Transient, cause.Message, t.RetryAfter),
            _ => (FailureKind.Transient, $"{cause.GetType().Name}: {cause.Message}", null),
        };
    }
}
