namespace Jobs.Actors.Attempts;

/// <summary>Thrown by a <see cref="JobRunner"/> when its attempt fails; carries the handler's exception to the supervisor.</summary>
public sealed class JobAttemptFailedException(string jobId, int attempt, Exception cause, bool timedOut, bool cancelled)
    : Exception($"job {jobId} attempt {attempt} failed: {cause.Message}", cause)
{
    public string JobId { get; } = jobId;
    public int Attempt { get; } = attempt;
    public bool TimedOut { get; } = timedOut;
    public bool Cancelled { get; } = cancelled;
}
