using Akka.Actor;
using Jobs.Actors.Settings;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>What every partition of a node shares: its settings and the actors and functions it works with.</summary>
/// <param name="Options">the partitions' settings (layout, snapshots, backpressure, hand-off).</param>
/// <param name="Capacity">the node's slot gate (<see cref="Placement.NodeCapacity"/>).</param>
/// <param name="Events">where durable job events are published (<see cref="Observability.JobEventsPublisher"/>).</param>
/// <param name="Node">this node's name in job histories (<c>host:port</c>).</param>
/// <param name="RunnerProps">the runner of one attempt of a job (handlers, attempt settings and result reuse are its concern).</param>
public sealed record PartitionServices(PartitionOptions Options, IActorRef Capacity, IActorRef Events, string Node, Func<JobRecord, int, Props> RunnerProps)
{
    /// <summary>Queues this node runs jobs of; a partition of another queue stores its jobs but starts none.</summary>
    public IReadOnlySet<string> ServedQueues { get; init; } = new HashSet<string>(StringComparer.Ordinal) { PartitionLayout.DefaultQueue };

    /// <summary>Where dependency watches go (the shard region); null: the partition itself (single-partition tests).</summary>
    public IActorRef? Router { get; init; }

    /// <summary>The read model's status of a job that left memory long ago, for dependency watches; null: none.</summary>
    public Func<string, Task<JobStatus?>>? ArchivedStatus { get; init; }

    /// <summary>The attempts' settings the partition applies (the cap of an error message).</summary>
    public AttemptOptions Attempts { get; init; } = new();

    /// <summary>The usage region, told the tokens of completed llm jobs; null: not counted.</summary>
    public IActorRef? Usage { get; init; }

    /// <summary>The limiters' shard region (<see cref="Limits.Limiter"/>); null: limit keys are not enforced.</summary>
    public IActorRef? Limiters { get; init; }
    /// <summary>How long ended jobs are kept, by status.</summary>
    public RetentionPeriods Retention { get; init; } = RetentionPeriods.Default;

    /// <summary>How far the read-model projection has read a persistence id (<see cref="ReadModel.IJobReadStore.ProjectedSequenceNrAsync"/>); null: the journal is never deleted.</summary>
    public Func<string, Task<long>>? ProjectedSequenceNr { get; init; }

    /// <summary>Called after journal rows were deleted (SQLite returns the free pages); null: nothing.</summary>
    public Action? JournalTrimmed { get; init; }
}
