using Jobs.Handlers.BuiltIn.Script;
using Microsoft.Extensions.Hosting;

namespace Jobs.Actors.Hosting;

/// <summary>
/// The node's sandbox workers live as long as the host: warm ones start with it, and every worker
/// is killed when it stops (registered before the ActorSystem, so it stops after it, when no attempt
/// runs any more).
/// </summary>
public sealed class SandboxLifetime(SandboxPool pool) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        pool.Warm();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await pool.DisposeAsync();
}
