using Jobs.Actors.Usage;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class UsageStateTests
{
    [Fact]
    public void Limits_refuse_what_would_go_over_and_tokens_count_once_per_job()
    {
        var s = UsageState.Empty.Apply(new UsageJobsCounted(2));
        Assert.Null(s.Decide(1, new QuotaLimits(3, null)));
        Assert.Equal(new UsageOverQuota("jobsPerDay", 3, 2), s.Decide(2, new QuotaLimits(3, null)));
        s = s.Apply(new UsageTokensCounted("j1", 70, 30, 0.5m));
        Assert.Equal(new UsageOverQuota("tokensPerDay", 100, 100), s.Decide(1, new QuotaLimits(null, 100)));
        Assert.Contains("j1", s.CountedJobs);
        Assert.Equal(1, s.Apply(new UsageJobsReleased(1)).Jobs);
        Assert.Null(UsageState.Empty.Decide(1_000_000, QuotaTable.Unlimited));
    }

    [Fact]
    public void The_quota_table_falls_back_to_star_and_rejects_nonsense()
    {
        var t = QuotaTable.Parse("acme=jobs:10,tokens:500;*=jobs:100");
        Assert.Equal(new QuotaLimits(10, 500), t.For("acme"));
        Assert.Equal(new QuotaLimits(100, null), t.For("globex"));
        Assert.Equal(QuotaTable.Unlimited, QuotaTable.None.For("acme"));
        Assert.Throws<InvalidOperationException>(() => QuotaTable.Parse("acme=jobs:-1"));
        Assert.Throws<InvalidOperationException>(() => QuotaTable.Parse("acme=cpu:3"));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), QuotaTable.ResetAfter(new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero)));
    }
}
