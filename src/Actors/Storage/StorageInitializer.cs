using Jobs.Actors.ReadModel;
using Jobs.Actors.Settings;
using Microsoft.Extensions.Hosting;

namespace Jobs.Actors.Storage;

/// <summary>
/// Prepares the databases when the host starts, before the ActorSystem (registered ahead of it, so
/// it starts first): the journal's storage, then the read model's schema. Nothing touches a
/// database while services are registered.
/// </summary>
public sealed class StorageInitializer(JobsOptions options, IJobReadStore readStore) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        options.Storage.PrepareJournal();
        await readStore.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
