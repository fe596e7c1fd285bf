using Akka.Actor;
using Akka.TestKit.Xunit2;
using Jobs.Actors.Limits;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>The limiter's rules: leases under a concurrency, a rate bucket and an LLM token bucket, first come first served.</summary>
public sealed class LimiterStateTests : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Key = "openai";

    private static LimiterState Limited(LimitSpec spec) => LimiterState.Empty.Define(spec, T0);

    private static string[] Granted(IReadOnlyList<LimiterState.Answer> answers) =>
        answers.Select(a => a.Message).OfType<LeaseGranted>().Select(g => g.LeaseId).ToArray();

    [Fact]
    public void Concurrency_grants_up_to_the_limit_and_the_next_waiter_gets_the_lease_given_back()
    {
        var (a, b, c) = (CreateTestProbe().Ref, CreateTestProbe().Ref, CreateTestProbe().Ref);
        var s = Limited(new LimitSpec(2, null, null, null));
        (s, var first) = s.Acquire(Key, new(a, 1, 0), T0);
        (s, var second) = s.Acquire(Key, new(b, 1, 0), T0);
        (s, var third) = s.Acquire(Key, new(c, 1, 0), T0);

        Assert.Single(Granted(first));
        Assert.Single(Granted(second));
        Assert.IsType<LeaseQueued>(Assert.Single(third).Message); // told it waits: the key is limited
        Assert.Equal(2, s.Status(Key).Held);
        Assert.Null(s.WakeAt(T0)); // only a release ends a concurrency wait

        (s, var released) = s.Release(Key, Granted(first)[0], null, T0);
        Assert.Equal(c, Assert.Single(released).To);
        Assert.Equal(2, s.Status(Key).Held);
    }

    [Fact]
    public void A_rate_spreads_grants_one_token_at_a_time_after_the_burst()
    {
        var s = Limited(new LimitSpec(null, 2, 1, null));
        var grants = 0;
        for (var i = 0; i < 3; i++)
        {
            (s, var answers) = s.Acquire(Key, new(CreateTestProbe().Ref, i, 0), T0);
            grants += Granted(answers).Length;
        }
        Assert.Equal(1, grants); // the burst of 1
        Assert.Equal(T0.AddMilliseconds(500), s.WakeAt(T0));

        (s, var early) = s.Grant(Key, T0.AddMilliseconds(499));
        Assert.Empty(early);
        (s, var onTime) = s.Grant(Key, T0.AddMilliseconds(500));
        Assert.Single(Granted(onTime));
        (s, var next) = s.Grant(Key, T0.AddMilliseconds(1000));
        Assert.Single(Granted(next));
        Assert.Null(s.WakeAt(T0.AddMilliseconds(1000)));
    }

    [Fact]
    public void Llm_tokens_are_taken_by_estimate_and_settled_with_the_real_usage()
    {
        var holder = CreateTestProbe().Ref;
        var s = Limited(new LimitSpec(null, null, null, 600)); // 10 tokens a second
        (s, var first) = s.Acquire(Key, new(holder, 1, 500), T0);
        (s, var second) = s.Acquire(Key, new(holder, 2, 500), T0);
        Assert.Single(Granted(first));
        Assert.Empty(Granted(second));                                 // 100 left, 500 wanted
        Assert.Equal(T0.AddSeconds(40), s.WakeAt(T0));

        (s, var settled) = s.Release(Key, Granted(first)[0], 100, T0); // it used 100: 400 come back
        Assert.Single(Granted(settled));
        Assert.Equal(0, s.Status(Key).LlmTokens!.Value, 3);
    }

    [Fact]
    public void A_holder_that_stops_gives_its_leases_back_and_its_requests_are_dropped()
    {
        var (dead, alive) = (CreateTestProbe().Ref, CreateTestProbe().Ref);
        var s = Limited(new LimitSpec(1, null, null, null));
        (s, _) = s.Acquire(Key, new(dead, 1, 0), T0);
        (s, _) = s.Acquire(Key, new(dead, 2, 0), T0);
        (s, _) = s.Acquire(Key, new(alive, 3, 0), T0);

        (s, var answers) = s.HolderStopped(Key, dead, T0);

        Assert.Equal(alive, Assert.Single(answers).To);
        Assert.Equal(0, s.Status(Key).Waiting);
    }

    [Fact]
    public void After_a_restart_nothing_is_granted_during_the_grace_and_renewed_leases_count()
    {
        var (old, newcomer) = (CreateTestProbe().Ref, CreateTestProbe().Ref);
        var s = Limited(new LimitSpec(1, null, null, null)) with { GrantsFrom = T0.AddSeconds(2) };
        (s, var during) = s.Acquire(Key, new(newcomer, 1, 0), T0);
        Assert.Empty(Granted(during));
        Assert.Equal(T0.AddSeconds(2), s.WakeAt(T0));

        s = s.Renew(old, ["openai#x-7"]);
        (s, var after) = s.Grant(Key, T0.AddSeconds(2));

        Assert.Empty(after); // the renewed lease holds the only slot
        (s, var released) = s.Release(Key, "openai#x-7", null, T0.AddSeconds(3));
        Assert.Equal(newcomer, Assert.Single(released).To);
    }

    [Fact]
    public void Without_limits_a_request_is_answered_not_limited_and_clearing_frees_every_waiter()
    {
        var holder = CreateTestProbe().Ref;
        var (_, free) = LimiterState.Empty.Acquire(Key, new(holder, 1, 0), T0);
        Assert.IsType<NotLimited>(Assert.Single(free).Message);

        var s = Limited(new LimitSpec(1, null, null, null));
        (s, _) = s.Acquire(Key, new(holder, 1, 0), T0);
        (s, _) = s.Acquire(Key, new(holder, 2, 0), T0);
        var (cleared, answers) = s.Clear(Key);
        Assert.Null(cleared.Spec);
        Assert.Equal(2, Assert.IsType<NotLimited>(Assert.Single(answers).Message).RequestId);
    }

    [Fact]
    public void A_request_asked_again_keeps_its_place_and_is_not_a_second_one()
    {
        var (a, b) = (CreateTestProbe().Ref, CreateTestProbe().Ref);
        var s = Limited(new LimitSpec(1, null, null, null));
        (s, var held) = s.Acquire(Key, new(b, 1, 0), T0);
        (s, _) = s.Acquire(Key, new(a, 1, 0), T0);
        (s, _) = s.Acquire(Key, new(b, 2, 0), T0);
        (s, _) = s.Acquire(Key, new(a, 2, 0), T0);
        Assert.Equal(2, s.Status(Key).Waiting);

        (s, var next) = s.Release(Key, Granted(held)[0], null, T0);
        var grant = Assert.IsType<LeaseGranted>(Assert.Single(next).Message);
        Assert.Equal(a, next[0].To);
        Assert.Equal(2, grant.RequestId);
    }

    [Fact]
    public void A_key_taken_for_free_stops_starting_without_a_lease_once_its_limiter_queues_the_request()
    {
        var limiter = CreateTestProbe();
        var now = T0;
        var leases = new LimitLeases(limiter.Ref, TestActor, () => now);
        leases.Ask(Key, 0);
        var first = limiter.ExpectMsg<AcquireLease>();
        leases.NotLimited(new NotLimited(Key, first.RequestId));
        Assert.True(leases.MayStart(Key));

        now += LimitLeases.UnlimitedFor;                  // the answer is old: asked again, still starting meanwhile
        Assert.True(leases.ShouldAsk(Key));
        leases.Ask(Key, 0);
        var again = limiter.ExpectMsg<AcquireLease>();
        Assert.True(leases.MayStart(Key));

        leases.Queued(new LeaseQueued(Key, again.RequestId)); // a limit was set meanwhile and it is saturated
        Assert.False(leases.MayStart(Key));
        leases.Granted(new LeaseGranted(Key, again.RequestId, "openai#e-1"), limiter.Ref);
        Assert.True(leases.MayStart(Key));
    }

    [Fact]
    public void Token_estimates_count_an_llm_payload_and_its_max_tokens_only()
    {
        Assert.Equal(0, TokenEstimate.Of(new JobSpec { Type = "noop", Payload = """{"a":1}""" }));
        var payload = """{"prompt":"hello there","maxTokens":100}""";
        Assert.Equal(payload.Length / 4 + 100, TokenEstimate.Of(new JobSpec { Type = "llm", Payload = payload }));
        Assert.Equal(TokenEstimate.DefaultCompletionTokens + 4, TokenEstimate.Of(new JobSpec { Type = "llm", Payload = "\"0123456789abcdef\"" }));
    }
}
