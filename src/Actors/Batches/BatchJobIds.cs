using Jobs.Messages;

namespace Jobs.Actors.Batches;

/// <summary>
/// The ids a batch's jobs are stored under: from the job's idempotency key when it has one, else
/// from (tenant, batch id, index). Both are deterministic, so a re-post names the same jobs and a job
/// of the batch can name another one of it in <c>dependsOn</c>.
/// </summary>
public static class BatchJobIds
{
    public static string[] For(SubmitBatch batch) =>
        batch.Jobs.Select((spec, i) => spec.IdempotencyKey is null
            ? PartitionLayout.IdFor(spec.Queue, JobIds.ForBatchJob(batch.Tenant, batch.BatchId, i))
            : JobIds.ForNewJob(spec, DateTimeOffset.UtcNow)).ToArray();
}
