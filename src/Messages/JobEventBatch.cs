using System.Text.Json.Serialization;
using Jobs.Messages.Serialization;

namespace Jobs.Messages;

/// <summary>
/// Several events of one partition journaled as one row (group commit), in the order they were
/// decided. Applied in that order at recovery; the row is atomic, so all of them are durable or
/// none. Persisted contract (manifest <c>JEB1</c>): each event keeps its own manifest inside.
/// </summary>
[JsonConverter(typeof(JobEventBatchConverter))]
public sealed record JobEventBatch(IReadOnlyList<IJobEvent> Events) : IJobsMessage;
