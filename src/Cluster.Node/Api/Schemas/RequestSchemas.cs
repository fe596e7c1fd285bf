using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Node.Api.Schemas;

// The request bodies as the OpenAPI document describes them. The routes read their bodies by hand
// (JobRequestParser, BatchEndpoints.Parse); these types only give the document their shape, so their
// rules mirror the parsers': unknown fields refused, numbers as JSON numbers only (never "3": see
// ApiDocument's schema transformer), null the same as absent. A test validates bodies the API
// accepts and refuses against the served schema.

/// <summary>The body of POST /api/jobs, and each job of a batch.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobSubmission
{
    [Description("A job type the node runs (GET /api/types).")]
    public required string Type { get; init; }

    [Description("Any JSON, at most 1 MiB serialized; a job type may validate it at submission.")]
    public JsonElement? Payload { get; init; }

    [Description("One of the configured queues (default: default).")]
    [RegularExpression("^[a-z0-9-]{1,64}$")]
    public string? Queue { get; init; }

    [Description("Higher starts first (default 0).")]
    [Range(-100, 100)]
    public int? Priority { get; init; }

    [Description("Attempts in all, the first included (default 3).")]
    [Range(1, 100)]
    public int? MaxAttempts { get; init; }

    [Description("The wait before each retry (default {\"initialMs\":1000,\"maxMs\":60000,\"jitter\":0.2}).")]
    public BackoffSubmission? Backoff { get; init; }

    [Description("The limit of each attempt in milliseconds (default 300000).")]
    [Range(1, 86_400_000)]
    public int? TimeoutMs { get; init; }

    [Description("Do not start before this time: yyyy-MM-ddTHH:mm[:ss[.fffffff]][Z|±hh:mm], UTC without an offset.")]
    [RegularExpression(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$")]
    public string? RunAt { get; init; }

    [Description("The same key in the same tenant is the same job.")]
    [StringLength(256, MinimumLength = 1)]
    public string? IdempotencyKey { get; init; }

    [Description("Ids of existing jobs (or jobs of the same batch) this one waits for.")]
    [MaxLength(JobRequestParser.MaxDependencies)]
    public IReadOnlyList<string>? DependsOn { get; init; }

    [Description("Reuse the result of an identical completed dedupe job (default false).")]
    public bool? Dedupe { get; init; }

    [Description("The tenant to store the job under (default: the key's); only an admin may name another.")]
    [RegularExpression("^[a-z0-9-]{1,64}$")]
    public string? Tenant { get; init; }

    [Description("The key whose limits (PUT /api/limits/{key}: concurrency, rate, LLM tokens per minute) each attempt takes a lease of; the job stays pending, holding no slot, until it gets one.")]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string? LimitKey { get; init; }

    [Description("A free-form JSON object of at most 64 KiB, returned as given.")]
    public Dictionary<string, JsonElement>? Metadata { get; init; }

    [Description("How long the job is kept once it ends: a whole number and a unit s, m, h or d (5s, 10m, 24h, 7d), from 1s to 90d; default: the retention of the status it ends in (JOBS_RETENTION_*). Then it is deleted everywhere.")]
    [RegularExpression("^[0-9]{1,9}[smhd]$")]
    public string? Retention { get; init; }
}

/// <summary>The <c>backoff</c> of a job: the retry after attempt n waits initialMs × 2^(n-1), capped at maxMs, ± jitter.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BackoffSubmission
{
    [Range(0, 86_400_000)]
    public int? InitialMs { get; init; }

    [Description("At least initialMs.")]
    [Range(0, 86_400_000)]
    public int? MaxMs { get; init; }

    [Range(0.0, 1.0)]
    public double? Jitter { get; init; }
}

/// <summary>The body of POST /api/batches.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BatchSubmission
{
    [Description("The batch's id in its tenant; without it the node makes one (batch-…).")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,128}$")]
    public string? Id { get; init; }

    [Description("The jobs, each as in POST /api/jobs, all of one tenant, no two with the same idempotencyKey.")]
    [Length(1, BatchEndpoints.MaxJobsPerBatch)]
    public required IReadOnlyList<JobSubmission> Jobs { get; init; }
}

/// <summary>The body of POST /api/cluster/leave (optional) and POST /api/cluster/down.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MemberAddress
{
    [Description("A member's address, akka.tcp://jobs@host:port.")]
    public string? Address { get; init; }
}

/// <summary>The body of POST /api/nodes/memory-guard.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MemoryGuardSettings
{
    [Description("The high watermark in MiB; 0 turns the guard off.")]
    [Range(0d, long.MaxValue >> 20)]
    public required long HighMb { get; init; }

    [Description("The low watermark in MiB, at most highMb (default 80 % of highMb).")]
    [Range(0d, long.MaxValue >> 20)]
    public long? LowMb { get; init; }
}

/// <summary>The body of POST /api/dlq/requeue and /purge: which dead-lettered jobs ({} matches all the caller sees).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeadLetterFilter
{
    [Description("Only jobs of this type.")]
    public string? Type { get; init; }

    [Description("Only jobs of this queue.")]
    public string? Queue { get; init; }

    [Description("Admin keys only: only this tenant's jobs (other keys always act on their own).")]
    public string? Tenant { get; init; }

    [Description("Only jobs that failed at or after this time (ISO-8601).")]
    public DateTimeOffset? FailedAfter { get; init; }

    [Description("Only jobs that failed before this time (ISO-8601).")]
    public DateTimeOffset? FailedBefore { get; init; }

    [Description("Count the matching jobs, change nothing.")]
    public bool? DryRun { get; init; }
}

/// <summary>The body of PUT /api/limits/{key}: at least one limit.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LimitSubmission
{
    [Description("At most this many of the key's jobs run at once, cluster-wide.")]
    [Range(1, LimitEndpoints.MaxConcurrency)]
    public int? Concurrency { get; init; }

    [Description("At most this many of the key's jobs start per second, cluster-wide (a token bucket).")]
    [Range(0.000001, LimitEndpoints.MaxRatePerSecond)]
    public double? RatePerSecond { get; init; }

    [Description("With ratePerSecond: how many may start at once after a quiet time (default: the rate rounded up, at least 1).")]
    [Range(1, LimitEndpoints.MaxConcurrency)]
    public int? Burst { get; init; }

    [Description("LLM tokens per minute, cluster-wide: each llm job takes its estimate when it starts (payload characters / 4 plus maxTokens) and is settled with its real usage.")]
    [Range(1, LimitEndpoints.MaxTokensPerMinute)]
    public int? TokensPerMinute { get; init; }
}
