using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class SnapshotPolicyTests
{
    [Theory]
    [InlineData(999, 10, false)]
    [InlineData(1000, 10, true)]        // a small partition: every SnapshotEvery events
    [InlineData(1000, 500, true)]
    [InlineData(1000, 501, false)]      // more than half SnapshotEvery jobs: two events per job
    [InlineData(1000, 3000, false)]     // a partition of 3,000 jobs waits for 6,000 events
    [InlineData(5999, 3000, false)]
    [InlineData(6000, 3000, true)]
    public void A_snapshot_waits_for_two_events_per_job_the_partition_holds_when_that_is_more(long since, int jobs, bool due) =>
        Assert.Equal(due, SnapshotPolicy.IsDue(since, jobs, snapshotEvery: 1000));
}
