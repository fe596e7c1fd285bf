using System.Diagnostics;
using Jobs.Handlers;

namespace Jobs.TestHandlers;

/// <summary>A poison job: kills its own process (SIGKILL) on every attempt.</summary>
[JobType("kill-process")]
public sealed class ProcessKillerHandler : IJobHandler
{
    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        Process.GetCurrentProcess().Kill();
        return Task.FromResult<object?>(null);
    }
}
