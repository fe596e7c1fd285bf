namespace Jobs.Messages;

/// <summary>
/// Result reuse (<c>dedupe: true</c>): one cache entity per content hash (tenant + type +
/// canonical payload), cluster-sharded. A runner claims the hash before running.
/// </summary>
public interface IWithContentHash
{
    string Hash { get; }
}

/// <summary>Runner → cache: may I run this? Answered with <see cref="ResultHit"/> or <see cref="ResultClaimed"/> (maybe later, after another run ends).</summary>
public sealed record ClaimResult(string Hash, string JobId, TimeSpan Lease) : IJobsMessage, IWithContentHash;

/// <summary>Cache → runner: a completed identical job's result, within the TTL.</summary>
public sealed record ResultHit(string Hash, string SourceJobId, string? ResultJson) : IJobsMessage, IWithContentHash;

/// <summary>Cache → runner: run it; report <see cref="ResultReady"/> or <see cref="ResultAbandoned"/>.</summary>
public sealed record ResultClaimed(string Hash) : IJobsMessage, IWithContentHash;

public sealed record ResultReady(string Hash, string JobId, string? ResultJson) : IJobsMessage, IWithContentHash;

public sealed record ResultAbandoned(string Hash, string JobId) : IJobsMessage, IWithContentHash;
