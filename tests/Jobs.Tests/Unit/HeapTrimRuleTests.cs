using Jobs.Actors.Memory;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class HeapTrimRuleTests
{
    private static readonly HeapTrimRule Rule = new(AfterAllocatedBytes: 100, QuietBytes: 10);

    [Theory]
    [InlineData(99, 0, false)]    // not enough allocated since the last trim
    [InlineData(100, 0, true)]    // a burst happened and the node is quiet
    [InlineData(100, 9, true)]
    [InlineData(100, 10, false)]  // still busy: wait for a quiet interval
    [InlineData(5000, 4000, false)]
    public void Trims_once_the_node_is_quiet_after_a_burst(long sinceTrim, long inInterval, bool trim) =>
        Assert.Equal(trim, Rule.ShouldTrim(sinceTrim, inInterval));

    [Fact]
    public void Zero_switches_it_off()
    {
        var off = HeapTrimRule.After(0);
        Assert.False(off.Enabled);
        Assert.False(off.ShouldTrim(long.MaxValue, 0));
    }
}
