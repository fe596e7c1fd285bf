using Akka.Actor;
using Jobs.Actors.Partitions;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// Answers other nodes' lists from this node's <see cref="LiveJobIndex"/> (at <c>/user/live-jobs</c>)
/// and sweeps the index on a timer, so jobs past its window leave an idle node too.
/// </summary>
public sealed class LiveJobsResponder : ReceiveActor, IWithTimers
{
    public const string Name = "live-jobs";

    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    public LiveJobsResponder(LiveJobIndex index)
    {
        Receive<LiveJobsQuery>(q => Sender.Tell(LiveJobs.Answer(q, index.Jobs(), index.Find)));
        Receive<Sweep>(_ => index.Trim());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LiveJobIndex index) => Akka.Actor.Props.Create(() => new LiveJobsResponder(index));

    protected override void PreStart() => Timers.StartPeriodicTimer("sweep", Sweep.Instance, TimeSpan.FromSeconds(5));
}
