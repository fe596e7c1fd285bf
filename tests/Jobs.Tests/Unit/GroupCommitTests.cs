using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class GroupCommitTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static IJobEvent Started(int i) => new JobAttemptStarted($"j{i}", 1, "n", T);

    [Fact]
    public void One_event_is_its_own_row()
    {
        var e = Started(0);
        var (row, count) = Assert.Single(GroupCommit.Rows([e]));
        Assert.Same(e, row);
        Assert.Equal(1, count);
    }

    [Fact]
    public void Many_events_become_batches_of_at_most_the_row_limit_in_order()
    {
        var events = Enumerable.Range(0, 1_201).Select(Started).ToArray();
        var rows = GroupCommit.Rows(events);

        Assert.Equal([500, 500, 201], rows.Select(r => r.Count));
        var flattened = rows.SelectMany(r => Assert.IsType<JobEventBatch>(r.Row).Events).ToArray();
        Assert.Equal(events, flattened);
    }

    [Fact]
    public void Large_payloads_split_rows_by_size_and_a_huge_one_still_gets_a_row()
    {
        var big = new string('x', 200_000);
        IJobEvent Accepted(int i, string payload) => new JobAccepted($"a{i}", new JobSpec { Type = "noop", Payload = $"\"{payload}\"" }, null, T);
        var events = new[] { Accepted(0, big), Accepted(1, big), Accepted(2, big), Accepted(3, new string('y', 2_000_000)), Started(4) };

        var rows = GroupCommit.Rows(events);

        // 2 × 200 KB fit in 512 KiB, a third does not; 2 MB goes alone; the small event follows it.
        Assert.Equal([2, 1, 1, 1], rows.Select(r => r.Count));
        Assert.Same(events[3], rows[2].Row);
        Assert.Same(events[4], rows[3].Row);
    }
}
