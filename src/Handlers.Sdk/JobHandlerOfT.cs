namespace Jobs.Handlers;

/// <summary>A handler with a typed payload, deserialized from the job's JSON (camelCase, <see cref="HandlerJson.Options"/>).</summary>
public abstract class JobHandler<TPayload> : IJobHandler
{
    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken) =>
        HandleAsync(context.GetPayload<TPayload>(), context, cancellationToken);

    protected abstract Task<object?> HandleAsync(TPayload payload, JobContext context, CancellationToken cancellationToken);
}
