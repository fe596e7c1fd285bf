using Microsoft.Extensions.Logging;

namespace Jobs.Handlers;

/// <summary>Wraps a logger so every entry is written inside a scope with the job id and attempt.</summary>
internal sealed class JobScopedLogger(ILogger inner, string jobId, int attempt) : ILogger
{
    private readonly KeyValuePair<string, object?>[] _scope = [new("JobId", jobId), new("Attempt", attempt)];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        using var _ = inner.BeginScope(_scope);
        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
