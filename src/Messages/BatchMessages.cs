using System.Text.Json.Serialization;
using Akka.Routing;

namespace Jobs.Messages;

/// <summary>
/// A batch is identified by (tenant, id): each tenant has its own batch ids. The key names the
/// batch's coordinator (routing, actor name, persistence id <c>batch-&lt;key&gt;</c>): the
/// default tenant's key is the bare id, another tenant's is <c>&lt;tenant&gt;:&lt;id&gt;</c>
/// (a batch id has no <c>:</c>, so keys of different tenants never meet).
/// </summary>
public static class BatchKeys
{
    public const string DefaultTenant = "default";

    public static string For(string tenant, string batchId) =>
        tenant == DefaultTenant ? batchId : tenant + ":" + batchId;
}

/// <summary>
/// Submit a batch; routed by the consistent-hash router on the batch's key (<see cref="BatchKeys"/>),
/// so every submission of the same tenant's batch reaches the same coordinator. Answered with
/// <see cref="BatchView"/> once every job is durable, <see cref="BatchIdTaken"/> or <see cref="BatchRejected"/>.
/// </summary>
public sealed record SubmitBatch(string BatchId, string Tenant, IReadOnlyList<JobSpec> Jobs) : IJobsMessage, IConsistentHashable
{
    [JsonIgnore] public object ConsistentHashKey => BatchKeys.For(Tenant, BatchId);
}

/// <summary>
/// The batch under the bare key <see cref="BatchId"/> (the default tenant's key space), whichever tenant
/// stored it. Answered with <see cref="BatchView"/> or <see cref="BatchNotFound"/>.
/// </summary>
public sealed record GetBatch(string BatchId) : IJobsMessage, IConsistentHashable
{
    [JsonIgnore] public object ConsistentHashKey => BatchId;
}

/// <summary>A tenant's batch. Answered with <see cref="BatchView"/> or <see cref="BatchNotFound"/> (also when the key holds another tenant's batch).</summary>
public sealed record GetTenantBatch(string BatchId, string Tenant) : IJobsMessage, IConsistentHashable
{
    [JsonIgnore] public object ConsistentHashKey => BatchKeys.For(Tenant, BatchId);
}

/// <summary>
/// The batch's key holds a batch of another tenant: a batch stored under the bare id by a tenant other
/// than the default one. Nothing was submitted; the caller picks another id.
/// </summary>
public sealed record BatchIdTaken(string BatchId, string Tenant) : IJobsMessage;

public sealed record BatchView(
    string Id, string Tenant, int Total, int Pending, int Running, int Completed, int Failed, int Cancelled,
    string Status, string Node, bool Created, IReadOnlyList<string> JobIds, int Expired = 0) : IJobsMessage;

public sealed record BatchNotFound(string BatchId) : IJobsMessage;

public sealed record BatchRejected(string BatchId, string Reason) : IJobsMessage;

/// <summary>Journaled once all the batch's jobs are durable in their partitions.</summary>
public sealed record BatchAccepted(string BatchId, string Tenant, IReadOnlyList<string> JobIds, DateTimeOffset At) : IJobsMessage;

/// <summary>Journaled when every job of the batch has ended.</summary>
public sealed record BatchCompleted(string BatchId, DateTimeOffset At) : IJobsMessage;
