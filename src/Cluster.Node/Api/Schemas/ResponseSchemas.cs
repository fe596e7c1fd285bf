using Jobs.Messages;

namespace Jobs.Node.Api.Schemas;

// The answers as the OpenAPI document describes them. Most routes write anonymous objects
// (docs/api.md shows each); these records name their fields for the document only.

/// <summary>An error answer (application/problem+json, RFC 7807); a 429 for a quota adds limit, allowed, used and resetsAt.</summary>
public sealed record Problem
{
    public required string Type { get; init; }
    public required string Title { get; init; }
    public required int Status { get; init; }
    public required string Detail { get; init; }

    /// <summary>The offending field, when there is one (payload, backoff.maxMs, jobs[17].type).</summary>
    public string? Field { get; init; }
}

/// <summary>A page of jobs, newest first; pass nextCursor back as cursor for the next page.</summary>
public sealed record JobList(IReadOnlyList<JobView> Items, string? NextCursor);

/// <summary>A batch's counts and status; node is its coordinator; expired: jobs of the completed batch whose retention ran out.</summary>
public sealed record BatchSummary(
    string Id, string Tenant, int Total, int Pending, int Running, int Completed, int Failed, int Cancelled, int Expired,
    string Status, string Node, IReadOnlyList<string> JobIds);

/// <summary>GET /api/batches: a page of batches, newest first, with the read model's counts (pending includes scheduled).</summary>
public sealed record BatchList(IReadOnlyList<BatchListItem> Items, string? NextCursor);

public sealed record BatchListItem(
    string Id, string Tenant, DateTimeOffset CreatedAt, int Total, int Pending, int Running, int Completed, int Failed, int Cancelled, string Status);

/// <summary>GET /api/job-counts: jobs per status and in the DLQ, of one tenant or (tenant null) of every tenant.</summary>
public sealed record JobCountsBody(string? Tenant, long Pending, long Scheduled, long Running, long Completed, long Failed, long Cancelled,
    long DeadLetters, long Total);

public sealed record JobTypes(IReadOnlyList<string> Types);

public sealed record TenantUsage(string Tenant, string From, string To, IReadOnlyList<UsageDay> Days, UsageTotal Total, UsageLimits Limits);

public sealed record UsageDay(string Day, long Jobs, long PromptTokens, long CompletionTokens, decimal CostUsd);

public sealed record UsageTotal(long Jobs, long PromptTokens, long CompletionTokens, decimal CostUsd);

/// <summary>The tenant's daily limits; null: none.</summary>
public sealed record UsageLimits(long? JobsPerDay, long? TokensPerDay);

public sealed record ClusterState(string Self, string? Leader, IReadOnlyList<ClusterMember> Members, IReadOnlyList<string> Unreachable);

public sealed record ClusterMember(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, string AppVersion);

public sealed record ShardingState(IReadOnlyList<ShardRegionState> Regions);

public sealed record ShardRegionState(string EntityType, IReadOnlyList<ShardHost> Nodes);

public sealed record ShardHost(string Address, int Shards, int Entities, IReadOnlyList<string> ShardIds);

/// <summary>A member asked to leave (status leaving) or marked down (status down).</summary>
public sealed record MemberChange(string Address, string Status);

public sealed record DownedMembers(IReadOnlyList<string> Downed);

public sealed record NodeList(IReadOnlyList<NodeHeartbeat> Nodes);

public sealed record NodeHeartbeat(
    string Address, string Status, int RunningJobs, int Capacity, long Submitted, long Processed, long Failed, long Retried,
    long DeadLettered, DateTimeOffset LastHeartbeat, bool Stale, bool Degraded, double UptimeSeconds, long MemoryBytes, string AppVersion,
    IReadOnlyList<QueueDepth> Pending, double? PickupP50Ms, double? PickupP99Ms);

public sealed record MemoryGuardState(long HighMb, long LowMb, long MemoryMb, bool Degraded);

public sealed record ActorHierarchy(string Address, IReadOnlyList<ActorTree> Actors);

/// <summary>GET /healthz: status ok; GET /readyz: status ready and this node's member address.</summary>
public sealed record Health
{
    public required string Status { get; init; }
    public string? Member { get; init; }
}

/// <summary>One Server-Sent Event's data on GET /api/jobs/{id}/events (the event name is the event field).</summary>
public sealed record JobEventData(
    string JobId, int Seq, DateTimeOffset At, string Event, int? Attempt, string? Node, string? Detail, JobStatus Status, JobProgress? Progress);

/// <summary>POST /api/dlq/requeue and /purge: how many jobs the filter matched and how many were changed; truncated: more matched than one call takes.</summary>
public sealed record DeadLettersChanged(int Matched, int Changed, bool DryRun, bool Truncated);

/// <summary>GET /api/whoami: the tenant and role of the key presented (keyless loopback: admin of the default tenant).</summary>
public sealed record Caller(string Tenant, string Role, bool KeysConfigured);

/// <summary>GET /api/nodes/series: the cluster's totals (counters since each node started; rates are differences between points).</summary>
public sealed record StatsSeriesBody(double IntervalSeconds, IReadOnlyList<StatsPoint> Points);

/// <summary>GET /api/queues: each queue; <c>version</c> is the switch board's (it grows with every pause and resume).</summary>
public sealed record QueueList(IReadOnlyList<QueueSummary> Items, long Version);

/// <summary>One queue: jobs pending and running across the cluster (from the nodes' heartbeats), paused or not, its partition count and its limits (null: none).</summary>
public sealed record QueueSummary(string Queue, int Pending, int Running, bool Paused, int Partitions, LimitView? Limits);

/// <summary>POST /api/queues/{queue}/pause and /resume: the queue's state, and the nodes whose gates confirmed it (a node that did not learns it within the feed's refresh interval).</summary>
public sealed record QueueSwitched(string Queue, bool Paused, long Version, IReadOnlyList<string> ConfirmedBy, IReadOnlyList<string> Unconfirmed);

/// <summary>GET /api/limits: every key with limits.</summary>
public sealed record LimitList(IReadOnlyList<LimitView> Items);

/// <summary>A limit key: its limits (null: that dimension unlimited), the leases its jobs hold now and the partitions waiting for one.</summary>
public sealed record LimitView(string Key, int? Concurrency, double? RatePerSecond, int? Burst, int? TokensPerMinute, int Held, int Waiting);
