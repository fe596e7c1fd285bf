using System.Text.Json.Serialization;
using Akka.Routing;

namespace Jobs.Messages;

/// <summary>
/// Submit a batch; routed by the consistent-hash router on <see cref="BatchId"/>, so every
/// submission of the same batch reaches the same coordinator. Answered with <see cref="BatchView"/>
/// once every job is durable, or <see cref="BatchRejected"/>.
/// </summary>
public sealed record SubmitBatch(string BatchId, string Tenant, IReadOnlyList<JobSpec> Jobs) : IJobsMessage, IConsistentHashable
{
    [JsonIgnore] public object ConsistentHashKey => BatchId;
}

/// <summary>Answered with <see cref="BatchView"/> or <see cref="BatchNotFound"/>.</summary>
public sealed record GetBatch(string BatchId) : IJobsMessage, IConsistentHashable
{
    [JsonIgnore] public object ConsistentHashKey => BatchId;
}

public sealed record BatchView(
    string Id, string Tenant, int Total, int Pending, int Running, int Completed, int Failed, int Cancelled,
    string Status, string Node, bool Created, IReadOnlyList<string> JobIds) : IJobsMessage;

public sealed record BatchNotFound(string BatchId) : IJobsMessage;

public sealed record BatchRejected(string BatchId, string Reason) : IJobsMessage;

/// <summary>Journaled once all the batch's jobs are durable in their partitions.</summary>
public sealed record BatchAccepted(string BatchId, string Tenant, IReadOnlyList<string> JobIds, DateTimeOffset At) : IJobsMessage;

/// <summary>Journaled when every job of the batch has ended.</summary>
public sealed record BatchCompleted(string BatchId, DateTimeOffset At) : IJobsMessage;
