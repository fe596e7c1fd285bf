using Jobs.Handlers;
using Microsoft.Extensions.Logging;

namespace Jobs.TestHandlers;

/// <summary>Writes one log line through the job's logger (structured-log tests look for its scope).</summary>
[JobType("log-line")]
public sealed class LoggingHandler : IJobHandler
{
    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        context.Logger.LogInformation("hello from the handler of {JobType}", context.Type);
        return Task.FromResult<object?>(null);
    }
}
