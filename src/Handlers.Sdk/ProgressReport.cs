namespace Jobs.Handlers;

/// <summary>What a handler says about its progress: a stage, a percentage 0..100 and a message, each optional.</summary>
public sealed record ProgressReport(string? Stage, double? Percent, string? Message);

/// <summary>Where a <see cref="JobContext"/> sends progress (the engine's runner; a recorder in <see cref="Testing.HandlerTestKit"/>).</summary>
public interface IJobProgressSink
{
    void Report(ProgressReport progress);
}
