namespace Jobs.Messages;

/// <summary>Every message of the jobs protocol; binds <see cref="Serialization.JobsSerializer"/>.</summary>
public interface IJobsMessage;

/// <summary>Routed by sharding to the partition that owns it.</summary>
public interface IWithPartitionId
{
    int PartitionId { get; }
}

public interface IWithJobId
{
    string JobId { get; }
}

public interface IJobCommand : IJobsMessage, IWithPartitionId;

public interface IJobQuery : IJobsMessage, IWithPartitionId;

/// <summary>A journaled fact about one job.</summary>
public interface IJobEvent : IJobsMessage, IWithJobId
{
    DateTimeOffset At { get; }
}
