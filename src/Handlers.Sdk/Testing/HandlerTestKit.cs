using System.Collections.Concurrent;
using System.Text.Json;

namespace Jobs.Handlers.Testing;

/// <summary>What one isolated handler run produced.</summary>
public sealed record HandlerRun(object? Result, Exception? Error, IReadOnlyList<ProgressReport> Progress)
{
    /// <summary>The result as the job view would show it (JSON text), or null.</summary>
    public string? ResultJson => HandlerJson.Serialize(Result);
}

/// <summary>
/// Runs a handler in isolation — no cluster, no journal — with a recording progress sink, an
/// attempt number and a cancellation token, so handler authors can unit-test their code.
/// </summary>
public static class HandlerTestKit
{
    public static async Task<HandlerRun> RunAsync(IJobHandler handler, string? payloadJson, int attempt = 1, int maxAttempts = 3,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default, string jobId = "test-job", string type = "test")
    {
        var progress = new RecordingSink();
        var context = new JobContext(jobId, type, attempt, maxAttempts, payloadJson, "default", timeout ?? TimeSpan.FromMinutes(5), progress);
        try
        {
            var result = await handler.HandleAsync(context, cancellationToken);
            return new HandlerRun(result, null, progress.Items);
        }
        catch (Exception e)
        {
            return new HandlerRun(null, e, progress.Items);
        }
    }

    public static Task<HandlerRun> RunAsync(IJobHandler handler, object payload, int attempt = 1, CancellationToken cancellationToken = default) =>
        RunAsync(handler, JsonSerializer.Serialize(payload, HandlerJson.Options), attempt, cancellationToken: cancellationToken);

    private sealed class RecordingSink : IJobProgressSink
    {
        private readonly ConcurrentQueue<ProgressReport> _items = new();
        public IReadOnlyList<ProgressReport> Items => _items.ToArray();
        public void Report(ProgressReport progress) => _items.Enqueue(progress);
    }
}
