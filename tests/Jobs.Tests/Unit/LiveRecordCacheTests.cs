using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class LiveRecordCacheTests
{
    private static JobRecord Job(string id, JobStatus status) =>
        new() { Id = id, Spec = new JobSpec { Type = "noop" }, Status = status, CreatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void Entries_hold_only_at_the_offset_they_were_committed_with()
    {
        var cache = new LiveRecordCache();
        Assert.False(cache.ValidAt("p", 0)); // nothing committed yet
        cache.Committed([Job("a", JobStatus.Running)], 7);
        Assert.True(cache.ValidAt("p", 7));
        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.ValidAt("other", 7)); // another projection's offset says nothing about these rows
        Assert.False(cache.TryGet("a", out _));

        cache.ValidAt("p", 7);
        cache.Committed([Job("a", JobStatus.Running)], 8);
        Assert.False(cache.ValidAt("p", 9)); // someone else committed offset 9
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Finished_and_scheduled_jobs_leave_and_a_full_cache_keeps_the_jobs_it_follows()
    {
        var cache = new LiveRecordCache(capacity: 3);
        cache.Committed([Job("a", JobStatus.Pending), Job("b", JobStatus.Running)], 1);
        cache.Committed([Job("a", JobStatus.Completed), Job("c", JobStatus.Pending), Job("s", JobStatus.Scheduled)], 2);
        Assert.False(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("s", out _));
        Assert.Equal(2, cache.Count);

        cache.Committed([Job("d", JobStatus.Pending), Job("e", JobStatus.Pending)], 3);
        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("e", out _)); // no room: read back when it is needed
        cache.Committed([Job("b", JobStatus.Completed), Job("c", JobStatus.Running)], 4);
        Assert.True(cache.TryGet("c", out var c)); // a followed job is updated even when full
        Assert.Equal(JobStatus.Running, c.Status);
        cache.Committed([Job("e", JobStatus.Pending)], 5); // b's room
        Assert.True(cache.TryGet("e", out _));

        // full of pending jobs, it still follows running ones (up to four times its capacity)
        cache.Committed([Job("r1", JobStatus.Running), Job("p1", JobStatus.Pending)], 6);
        Assert.True(cache.TryGet("r1", out _));
        Assert.False(cache.TryGet("p1", out _));
        cache.Committed(Enumerable.Range(2, 20).Select(i => Job($"r{i}", JobStatus.Running)), 7);
        Assert.Equal(12, cache.Count);
    }
}
