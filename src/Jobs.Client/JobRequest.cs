namespace Jobs.Client;

/// <summary>
/// A job to submit (docs/api.md, POST /api/jobs). Only <see cref="Type"/> is required; a field left
/// null is not sent, so the node's default applies.
/// </summary>
public sealed record JobRequest(string Type)
{
    /// <summary>Any value that serializes to JSON (an anonymous object, a record, a <c>JsonElement</c>).</summary>
    public object? Payload { get; init; }
    public string? Queue { get; init; }
    public int? Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public JobBackoff? Backoff { get; init; }
    public int? TimeoutMs { get; init; }
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>The same key (in the same tenant) is the same job. Without one the client makes one per call of <see cref="JobsClient.SubmitAsync"/>.</summary>
    public string? IdempotencyKey { get; init; }
    public IReadOnlyList<string>? DependsOn { get; init; }
    public bool? Dedupe { get; init; }
    public string? Tenant { get; init; }
    public object? Metadata { get; init; }
}

/// <summary>The wait between a job's failed attempts: <c>initialMs × 2^(n-1)</c>, capped at <c>maxMs</c>, scaled by the jitter.</summary>
public sealed record JobBackoff(int? InitialMs = null, int? MaxMs = null, double? Jitter = null);

/// <summary>Which jobs <see cref="JobsClient.ListAsync"/> lists; null matches every value.</summary>
public sealed record JobFilter
{
    public JobStatus? Status { get; init; }
    public string? Type { get; init; }
    public string? Queue { get; init; }
    public string? BatchId { get; init; }

    /// <summary>Another tenant's jobs (admin keys only).</summary>
    public string? Tenant { get; init; }

    /// <summary>Jobs per request, 1..1000; the enumeration follows the cursor across pages.</summary>
    public int PageSize { get; init; } = 100;
}
