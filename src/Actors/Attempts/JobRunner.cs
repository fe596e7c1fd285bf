using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Jobs.Actors.Dedupe;
using Jobs.Actors.Observability;
using Jobs.Actors.Settings;
using Jobs.Handlers;
using Jobs.Messages;
using Jobs.Messages.Serialization;

namespace Jobs.Actors.Attempts;

/// <summary>
/// Runs one attempt of one job: the handler on the thread pool with a CancellationToken, the
/// attempt timeout, cancellation with a grace period, and throttled progress. Success is told to
/// the parent; failure is thrown, so the parent's supervision strategy classifies it.
/// An <see cref="UntypedActor"/>: one is created per attempt, and a ReceiveActor builds its
/// handler table in every constructor (about a tenth of the engine's allocations in a profile).
/// </summary>
public sealed class JobRunner : UntypedActor, IWithTimers
{
    /// <summary>A dedupe claim outlives the attempt's timeout and grace by this, so a runner that dies frees it for the next identical job.</summary>
    public static readonly TimeSpan ClaimMargin = TimeSpan.FromSeconds(5);

    private sealed record HandlerSucceeded(object? Result);
    private sealed record HandlerFailed(Exception Error);
    private sealed record TimedOut;
    private sealed record GraceExpired;
    private sealed record FlushProgress;

    private readonly JobRecord _job;
    private readonly int _attempt;
    private readonly JobHandlerRegistry _handlers;
    private readonly AttemptOptions _settings;
    private readonly CancellationTokenSource _cts = new();
    private bool _cancelRequested;
    /// <summary>The attempt's time is up: its token is cancelled and it ends as a timeout once the handler has stopped.</summary>
    private bool _timedOut;
    private bool _handlerStarted;
    private JobProgress? _unsentProgress;
    private DateTime _lastProgressSent = DateTime.MinValue;
    private Activity? _activity;
    private readonly IActorRef? _resultCache;
    private string? _claimedHash;
    /// <summary>The outcome went to the parent; whatever arrives until it stops this runner is ignored.</summary>
    private bool _reported;

    public JobRunner(JobRecord job, int attempt, JobHandlerRegistry handlers, AttemptOptions options, IActorRef? resultCache = null)
    {
        _job = job;
        _attempt = attempt;
        _handlers = handlers;
        _settings = options;
        _resultCache = job.Spec.Dedupe ? resultCache : null;
    }

    protected override void OnReceive(object message)
    {
        if (_reported) return;
        switch (message)
        {
            // dedupe: the cache answers whether to run (claimed) or hands over an identical job's result
            case ResultClaimed c:
                _claimedHash = c.Hash;
                StartHandler();
                break;
            case ResultHit h:
                Timers.CancelAll();
                EndActivity("reused", ActivityStatusCode.Ok);
                Context.Parent.Tell(new AttemptSucceeded(_job.Id, _attempt, h.ResultJson, h.SourceJobId));
                _reported = true;
                break;
            case HandlerSucceeded or HandlerFailed when _timedOut:
                Fail(TimeoutFailure(), timedOut: true);
                break;
            case HandlerSucceeded m:
                Succeed(m.Result);
                break;
            case HandlerFailed m:
                Fail(m.Error, timedOut: false);
                break;
            case TimedOut when !_handlerStarted:
                Fail(TimeoutFailure(), timedOut: true); // still waiting for a dedupe claim: nothing runs
                break;
            case TimedOut:
                // The attempt ends when its handler has stopped — a sandbox worker killed and gone, a
                // token observed — so the node's slot is free only when the work is; or after the grace.
                _timedOut = true;
                _cts.Cancel();
                Timers.StartSingleTimer("grace", new GraceExpired(), _settings.CancelGracePeriod);
                break;
            case CancelAttempt:
                if (_cancelRequested || _timedOut) return;
                _cancelRequested = true;
                _cts.Cancel();
                Timers.StartSingleTimer("grace", new GraceExpired(), _settings.CancelGracePeriod);
                break;
            case GraceExpired when _timedOut:
                Fail(TimeoutFailure(), timedOut: true);
                break;
            case GraceExpired:
                Fail(new OperationCanceledException("handler did not stop within the grace period"), timedOut: false);
                break;
            case JobProgress p:
                OnProgress(p);
                break;
            case FlushProgress:
                SendProgress();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props built on a producer that calls the constructor directly: one runner per attempt, so
    /// the expression form's argument evaluation and reflective construction showed in profiles.
    /// </summary>
    public static Props Props(JobRecord job, int attempt, JobHandlerRegistry handlers, AttemptOptions options, IActorRef? resultCache = null) =>
        Akka.Actor.Props.CreateBy(new Producer(job, attempt, handlers, options, resultCache));

    private sealed class Producer(JobRecord job, int attempt, JobHandlerRegistry handlers, AttemptOptions options, IActorRef? resultCache) : IIndirectActorProducer
    {
        public Type ActorType => typeof(JobRunner);

        public ActorBase Produce() => new JobRunner(job, attempt, handlers, options, resultCache);

        public void Release(ActorBase actor)
        {
        }
    }

    protected override void PreStart()
    {
        Timers.StartSingleTimer("timeout", new TimedOut(), TimeSpan.FromMilliseconds(_job.Spec.TimeoutMs));
        if (_resultCache is null)
        {
            StartHandler();
            return;
        }
        // the lease outlives this attempt's timeout, so a runner that dies frees the claim for the next identical job
        _resultCache.Tell(new ClaimResult(ContentHash.Of(_job.Spec), _job.Id,
            TimeSpan.FromMilliseconds(_job.Spec.TimeoutMs) + _settings.CancelGracePeriod + ClaimMargin));
    }

    private void StartHandler()
    {
        _handlerStarted = true;
        var self = Self;
        var context = new JobContext(_job.Id, _job.Spec.Type, _attempt, _job.Spec.MaxAttempts, _job.Spec.Payload,
            _job.Spec.Tenant, TimeSpan.FromMilliseconds(_job.Spec.TimeoutMs), new ProgressSink(self, _settings.MaxProgressChars),
            _handlers.LoggerFactory?.CreateLogger("Jobs.Handlers." + _job.Spec.Type), _settings.MaxResultBytes);
        var handlers = _handlers;
        var token = _cts.Token;
        // One span per attempt; the handler's own spans (HTTP calls…) become its children. The
        // actor's thread must not keep it as Activity.Current, so the previous one is restored.
        var previous = Activity.Current;
        _activity = JobTracing.Source.StartActivity("job.attempt");
        _activity?.SetTag("job.id", _job.Id).SetTag("job.type", _job.Spec.Type).SetTag("job.queue", _job.Spec.Queue)
            .SetTag("job.attempt", _attempt).SetTag("job.tenant", _job.Spec.Tenant);
        Task.Run(async () => await handlers.Create(context.Type).HandleAsync(context, token).ConfigureAwait(false), token)
            .PipeTo(self, success: r => new HandlerSucceeded(r), failure: e => new HandlerFailed(Unwrap(e)));
        Activity.Current = previous;
    }

    protected override void PostStop()
    {
        // a claim not reported as ready (failure, cancel, crash) is given up for the next identical job
        if (_claimedHash is not null) _resultCache?.Tell(new ResultAbandoned(_claimedHash, _job.Id));
        EndActivity("stopped", ActivityStatusCode.Error);
        _cts.Cancel();
        _cts.Dispose();
    }

    private void Succeed(object? result)
    {
        string? json;
        try
        {
            json = result is RawJson raw && JsonText.Problem(raw.Json) is { } problem
                ? throw new FormatException($"RawJson is not JSON: {problem}")
                : HandlerJson.Serialize(result);
        }
        catch (Exception e)
        {
            Fail(new PermanentJobException($"the handler's result is not serializable to JSON: {e.Message}", e), timedOut: false);
            return;
        }
        if (json is not null && Encoding.UTF8.GetByteCount(json) is var bytes && bytes > _settings.MaxResultBytes)
        {
            Fail(new PermanentJobException($"the result is {bytes} bytes of JSON; the limit is {_settings.MaxResultBytes}"), timedOut: false);
            return;
        }
        SendProgress();
        Timers.CancelAll();
        EndActivity("completed", ActivityStatusCode.Ok);
        if (_claimedHash is not null)
        {
            _resultCache!.Tell(new ResultReady(_claimedHash, _job.Id, json));
            _claimedHash = null;
        }
        Context.Parent.Tell(new AttemptSucceeded(_job.Id, _attempt, json));
        _reported = true;
    }

    private void Fail(Exception cause, bool timedOut)
    {
        if (timedOut) _cts.Cancel();
        var cancelled = _cancelRequested && !timedOut;
        _activity?.SetTag("error.message", cause.Message);
        EndActivity(timedOut ? "timeout" : cancelled ? "cancelled" : "failed", ActivityStatusCode.Error);
        throw new JobAttemptFailedException(_job.Id, _attempt, cause, timedOut, cancelled);
    }

    private void EndActivity(string outcome, ActivityStatusCode status)
    {
        if (_activity is null) return;
        _activity.SetTag("job.outcome", outcome);
        _activity.SetStatus(status);
        _activity.Dispose();
        _activity = null;
    }

    private void OnProgress(JobProgress p)
    {
        _unsentProgress = p;
        var wait = _lastProgressSent + _settings.ProgressInterval - DateTime.UtcNow;
        if (wait <= TimeSpan.Zero) SendProgress();
        else if (!Timers.IsTimerActive("progress")) Timers.StartSingleTimer("progress", new FlushProgress(), wait);
    }

    private void SendProgress()
    {
        if (_unsentProgress is null) return;
        Context.Parent.Tell(new ProgressUpdated(_job.Id, _attempt, _unsentProgress));
        _unsentProgress = null;
        _lastProgressSent = DateTime.UtcNow;
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;

    private JobTimeoutException TimeoutFailure() => new($"attempt ran longer than timeoutMs={_job.Spec.TimeoutMs}");

    private sealed class ProgressSink(IActorRef runner, int maxChars) : IJobProgressSink
    {
        public void Report(ProgressReport progress) =>
            runner.Tell(new JobProgress(Cut(progress.Stage), progress.Percent, Cut(progress.Message)));

        private string? Cut(string? text) => text is null || text.Length <= maxChars ? text : text[..maxChars] + "…";
    }
}
