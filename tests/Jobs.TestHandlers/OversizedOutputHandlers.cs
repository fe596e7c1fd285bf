using Jobs.Handlers;

namespace Jobs.TestHandlers;

/// <summary>Returns a string of <c>{"chars": n}</c> characters: a result over the engine's cap.</summary>
[JobType("big-result")]
public sealed class BigResultHandler : JobHandler<BigResultHandler.Payload>
{
    public sealed record Payload(int Chars);

    protected override Task<object?> HandleAsync(Payload payload, JobContext context, CancellationToken cancellationToken) =>
        Task.FromResult<object?>(new string('r', payload.Chars));
}

/// <summary>Fails with a message of <c>{"chars": n}</c> characters: an error over the engine's cap.</summary>
[JobType("loud-failure")]
public sealed class LoudFailureHandler : JobHandler<LoudFailureHandler.Payload>
{
    public sealed record Payload(int Chars);

    protected override Task<object?> HandleAsync(Payload payload, JobContext context, CancellationToken cancellationToken) =>
        throw new PermanentJobException(new string('e', payload.Chars));
}
