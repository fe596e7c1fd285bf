namespace Jobs.Messages;

/// <summary>
/// Published on DistributedPubSub topic <see cref="Topics.ForPartition"/> for SSE, the CLI and
/// the dashboard. <see cref="Seq"/> is the entry's index in the job's history (-1 for progress,
/// which is not part of the history).
/// </summary>
public sealed record JobEventPublished(string JobId, int Seq, HistoryEntry Entry, JobStatus Status, JobProgress? Progress) : IJobsMessage, IWithJobId
{
    [System.Text.Json.Serialization.JsonIgnore] public bool IsTerminal => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}

public static class Topics
{
    public static string ForPartition(int partitionId) => $"jobs-p{partitionId}";
}
