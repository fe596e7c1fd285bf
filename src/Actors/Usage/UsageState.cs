using System.Collections.Immutable;
using Jobs.Messages;

namespace Jobs.Actors.Usage;

/// <summary>One tenant-day's counters. Pure: <see cref="Apply"/> and <see cref="Decide"/>.</summary>
public sealed record UsageState(long Jobs, long PromptTokens, long CompletionTokens, decimal CostUsd, ImmutableHashSet<string> CountedJobs)
{
    public static readonly UsageState Empty = new(0, 0, 0, 0, ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal));

    public long Tokens => PromptTokens + CompletionTokens;

    public UsageState Apply(object e) => e switch
    {
        UsageJobsCounted c => this with { Jobs = Jobs + c.Jobs },
        UsageJobsReleased r => this with { Jobs = Math.Max(0, Jobs - r.Jobs) },
        UsageTokensCounted t => this with
        {
            PromptTokens = PromptTokens + t.PromptTokens,
            CompletionTokens = CompletionTokens + t.CompletionTokens,
            CostUsd = CostUsd + t.CostUsd,
            CountedJobs = CountedJobs.Add(t.JobId),
        },
        _ => this,
    };

    /// <summary>
    /// Whether <paramref name="jobs"/> more submissions fit today's limits (null: they do), counting
    /// <paramref name="reserved"/> jobs already granted (less those released) whose events are not yet applied.
    /// </summary>
    public UsageOverQuota? Decide(int jobs, QuotaLimits limits, long reserved = 0) =>
        limits.JobsPerDay is { } j && Jobs + reserved + jobs > j ? new UsageOverQuota("jobsPerDay", j, Math.Max(0, Jobs + reserved))
        : limits.TokensPerDay is { } t && Tokens >= t ? new UsageOverQuota("tokensPerDay", t, Tokens)
        : null;
}
