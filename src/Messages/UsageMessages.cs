namespace Jobs.Messages;

/// <summary>Usage of one tenant on one UTC day: the key of a usage entity (<c>tenant|yyyy-MM-dd</c>).</summary>
public interface IWithTenantDay
{
    string Tenant { get; }
    DateOnly Day { get; }
}

/// <summary>Daily limits of a tenant; null: unlimited.</summary>
public sealed record QuotaLimits(long? JobsPerDay, long? TokensPerDay);

/// <summary>Edge → usage: count <paramref name="Jobs"/> submissions if the limits allow; answered <see cref="UsageReserved"/> or <see cref="UsageOverQuota"/>.</summary>
public sealed record ReserveJobs(string Tenant, DateOnly Day, int Jobs, QuotaLimits Limits) : IJobsMessage, IWithTenantDay;

/// <summary>Edge → usage: give back a reservation whose submission stored nothing new.</summary>
public sealed record ReleaseJobs(string Tenant, DateOnly Day, int Jobs) : IJobsMessage, IWithTenantDay;

/// <summary>Partition → usage: an llm job's tokens and cost (counted once per job id).</summary>
public sealed record RecordTokens(string Tenant, DateOnly Day, string JobId, long PromptTokens, long CompletionTokens, decimal CostUsd) : IJobsMessage, IWithTenantDay;

public sealed record GetUsage(string Tenant, DateOnly Day) : IJobsMessage, IWithTenantDay;

public sealed record UsageView(string Tenant, DateOnly Day, long Jobs, long PromptTokens, long CompletionTokens, decimal CostUsd) : IJobsMessage;

public sealed record UsageReserved(long JobsToday) : IJobsMessage;

public sealed record UsageOverQuota(string Limit, long Allowed, long Used) : IJobsMessage;

/// <summary>Journaled by a usage entity (persistence id <c>usage-tenant-yyyyMMdd</c>).</summary>
public sealed record UsageJobsCounted(int Jobs) : IJobsMessage;

public sealed record UsageJobsReleased(int Jobs) : IJobsMessage;

public sealed record UsageTokensCounted(string JobId, long PromptTokens, long CompletionTokens, decimal CostUsd) : IJobsMessage;
