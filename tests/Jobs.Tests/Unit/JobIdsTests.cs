using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class JobIdsTests
{
    [Fact]
    public void Partition_of_an_id_is_stable_across_processes() =>
        // FNV-1a, pinned: changing it would re-home every stored job.
        Assert.Equal([2, 23, 22], new[] { "06H08Q8PRENNFRZK0R7DCQ7WDM", "06H08Q8PSPR2XYTY9ZJ8A4WWSW", "job-1" }.Select(id => JobIds.PartitionOf(id, 32)));

    [Fact]
    public void Idempotency_key_always_names_the_same_job_per_tenant()
    {
        Assert.Equal(JobIds.ForIdempotencyKey("t1", "k"), JobIds.ForIdempotencyKey("t1", "k"));
        Assert.NotEqual(JobIds.ForIdempotencyKey("t1", "k"), JobIds.ForIdempotencyKey("t2", "k"));
        Assert.Matches("^k-[0-9A-Z]{26}$", JobIds.ForIdempotencyKey("t1", "k"));
    }

    [Fact]
    public void New_ids_are_unique_and_sort_by_time()
    {
        var earlier = JobIds.NewId(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var later = JobIds.NewId(DateTimeOffset.FromUnixTimeMilliseconds(2_000_000));
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => JobIds.NewId(DateTimeOffset.UtcNow)).Distinct().Count());
    }
}
