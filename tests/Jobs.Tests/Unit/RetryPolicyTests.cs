using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class RetryPolicyTests
{
    private static readonly BackoffPolicy Policy = new(1000, 60_000, 0.2);

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(6, 32_000)]
    [InlineData(7, 60_000)]
    [InlineData(50, 60_000)]
    public void Backoff_doubles_per_attempt_up_to_the_cap(int failedAttempt, int expectedMs) =>
        Assert.Equal(expectedMs, RetryPolicy.Backoff(Policy, failedAttempt, 0.5).TotalMilliseconds);

    [Fact]
    public void Jitter_stays_within_plus_minus_the_configured_fraction()
    {
        Assert.Equal(800, RetryPolicy.Backoff(Policy, 1, 0).TotalMilliseconds, 6);
        Assert.Equal(1200, RetryPolicy.Backoff(Policy, 1, 1).TotalMilliseconds, 6);
        Assert.Equal(72_000, RetryPolicy.Backoff(Policy, 30, 1).TotalMilliseconds, 6);
    }

    [Fact]
    public void Transient_failure_with_attempts_left_schedules_a_retry()
    {
        var now = DateTimeOffset.UnixEpoch;
        var events = RetryPolicy.AfterFailure(Job(maxAttempts: 3), 1, FailureKind.Transient, "boom", now, 0.5);
        Assert.Collection(events,
            e => Assert.Equal(new JobAttemptFailed("j", 1, FailureKind.Transient, "boom", now), e),
            e => Assert.Equal(new JobRetryScheduled("j", 2, now.AddSeconds(1), now), e));
    }

    [Fact]
    public void A_retry_after_longer_than_the_backoff_delays_the_retry_and_a_shorter_one_does_not()
    {
        var now = DateTimeOffset.UnixEpoch;
        var longer = RetryPolicy.AfterFailure(Job(maxAttempts: 3), 1, FailureKind.Transient, "429", now, 0.5, TimeSpan.FromSeconds(30));
        Assert.Equal(now.AddSeconds(30), Assert.IsType<JobRetryScheduled>(longer[1]).RunAt);
        var shorter = RetryPolicy.AfterFailure(Job(maxAttempts: 3), 1, FailureKind.Transient, "503", now, 0.5, TimeSpan.FromMilliseconds(10));
        Assert.Equal(now.AddSeconds(1), Assert.IsType<JobRetryScheduled>(shorter[1]).RunAt); // the 1 s backoff
    }

    [Fact]
    public void Timeout_is_retried_like_a_transient_failure() =>
        Assert.IsType<JobRetryScheduled>(RetryPolicy.AfterFailure(Job(3), 2, FailureKind.Timeout, "slow", DateTimeOffset.UnixEpoch, 0.5)[1]);

    [Fact]
    public void Last_attempt_or_permanent_failure_dead_letters()
    {
        var exhausted = RetryPolicy.AfterFailure(Job(3), 3, FailureKind.Transient, "boom", DateTimeOffset.UnixEpoch, 0.5);
        var permanent = RetryPolicy.AfterFailure(Job(3), 1, FailureKind.Permanent, "bad", DateTimeOffset.UnixEpoch, 0.5);
        Assert.Equal(FailureKind.Transient, Assert.IsType<JobDeadLettered>(exhausted[1]).Kind);
        Assert.Equal(FailureKind.Permanent, Assert.IsType<JobDeadLettered>(permanent[1]).Kind);
    }

    [Fact]
    public void Cancellation_ends_the_job_cancelled() =>
        Assert.IsType<JobCancelled>(Assert.Single(RetryPolicy.AfterFailure(Job(3), 1, FailureKind.Cancelled, "stop", DateTimeOffset.UnixEpoch, 0.5)));

    private static JobRecord Job(int maxAttempts) => new()
    {
        Id = "j",
        Spec = new JobSpec { Type = "noop", MaxAttempts = maxAttempts, Backoff = new BackoffPolicy(1000, 60_000, 0.2) },
    };
}
