using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jobs.Handlers;

/// <summary>What a handler knows about the attempt it runs.</summary>
public sealed class JobContext(
    string jobId,
    string type,
    int attempt,
    int maxAttempts,
    string? payloadJson,
    string tenant,
    TimeSpan timeout,
    IJobProgressSink progress,
    ILogger? logger = null,
    int maxResultBytes = JobContext.DefaultMaxResultBytes)
{
    /// <summary>The largest result the engine stores unless configured otherwise: 1 MiB of JSON.</summary>
    public const int DefaultMaxResultBytes = 1024 * 1024;

    public string JobId { get; } = jobId;
    public string Type { get; } = type;
    /// <summary>1-based.</summary>
    public int Attempt { get; } = attempt;
    public int MaxAttempts { get; } = maxAttempts;
    public string? PayloadJson { get; } = payloadJson;
    public string Tenant { get; } = tenant;
    /// <summary>The attempt's time limit (the job's timeoutMs).</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The largest result (bytes of JSON) the engine stores; a larger one fails the attempt, permanently.</summary>
    public int MaxResultBytes { get; } = maxResultBytes;

    /// <summary>A logger whose every line carries this job's id and attempt (as log scope <c>JobId</c>, <c>Attempt</c>).</summary>
    public ILogger Logger { get; } = logger is null ? NullLogger.Instance : new JobScopedLogger(logger, jobId, attempt);

    /// <summary>Reports progress. Cheap to call often: updates are throttled before they leave the node.</summary>
    public void ReportProgress(double? percent, string? message = null, string? stage = null) =>
        progress.Report(new ProgressReport(stage, percent is null ? null : Math.Clamp(percent.Value, 0, 100), message));

    public T GetPayload<T>()
    {
        try
        {
            return JsonSerializer.Deserialize<T>(PayloadJson ?? "null", HandlerJson.Options)
                   ?? throw new PermanentJobException($"job type '{Type}' needs a payload");
        }
        catch (JsonException e)
        {
            throw new PermanentJobException($"payload does not match job type '{Type}': {e.Message}", e);
        }
    }
}
