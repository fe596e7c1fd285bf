namespace Jobs.Actors.Handlers;

/// <summary>Completes at once with a null result (smoke tests, benchmarks).</summary>
public sealed class NoopHandler : IJobHandler
{
    public static readonly NoopHandler Instance = new();
    private static readonly Task<object?> Done = Task.FromResult<object?>(null);

    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken) => Done;
}
