using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Jobs.Actors.Capacity;
using Jobs.Actors.Handlers;
using Jobs.Messages;

namespace Jobs.Actors.Supervision;

/// <summary>
/// The sharded, event-sourced owner of one partition of the jobs. It journals every state change,
/// keeps the unfinished jobs in memory, spawns one <see cref="JobRunner"/> child per running
/// attempt, and decides retry and dead-lettering in its supervision strategy. See
/// docs/architecture.md for the message flow.
/// </summary>
public sealed class JobSupervisor : ReceivePersistentActor, IWithTimers
{
    private sealed record DueTick;
    private sealed record DrainTimedOut;

    private readonly int _partitionId;
    private readonly JobEngineSettings _settings;
    private readonly JobHandlerRegistry _handlers;
    private readonly IActorRef _capacity;
    private readonly IActorRef _events;
    private readonly string _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _random = new();

    /// <summary>Working state: includes events whose write is still in flight.</summary>
    private PartitionState _state = PartitionState.Empty;
    /// <summary>Durable state: only events the journal confirmed; what snapshots save.</summary>
    private PartitionState _durable = PartitionState.Empty;

    private readonly Dictionary<string, (IActorRef Runner, int Attempt)> _runners = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _jobOfRunner = new();
    private readonly Dictionary<string, (int Attempt, FailureKind Kind, string Message)> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobProgress> _progress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobView> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private (bool HasWork, int Priority, long Ticks)? _lastDemand;
    private DateTimeOffset? _timerArmedFor;
    private long _eventsSinceSnapshot;
    private long _recoveredFromSnapshotAt;
    private long _eventsReplayed;
    private int _eventsInFlight;
    private bool _draining;

    public JobSupervisor(int partitionId, JobEngineSettings settings, JobHandlerRegistry handlers, IActorRef capacity, IActorRef events, string node)
    {
        _partitionId = partitionId;
        _settings = settings;
        _handlers = handlers;
        _capacity = capacity;
        _events = events;
        _node = node;

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not PartitionSnapshot s) return;
            _state = PartitionState.FromSnapshot(s);
            _recoveredFromSnapshotAt = o.Metadata.SequenceNr;
        });
        Recover<IJobEvent>(e =>
        {
            _state = _state.Apply(e).State;
            _eventsReplayed++;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<SubmitJob>(OnSubmit);
        Command<GetJob>(q => Sender.Tell(Lookup(q.JobId)));
        Command<CancelJob>(OnCancel);
        Command<RequeueJob>(c => Reply(c.JobId, JobRules.Requeue(_state, c.JobId, Now)));
        Command<PurgeJob>(c => Reply(c.JobId, JobRules.Purge(_state, c.JobId, Now)));
        Command<WakePartition>(_ => { });
        Command<GetPartitionStatus>(_ => Sender.Tell(Status()));
        Command<SlotGranted>(_ => OnSlotGranted());
        Command<StopPartition>(_ => StartDraining());
        Command<DrainTimedOut>(_ =>
        {
            _log.Warning("partition {0}: {1} attempt(s) still running after the drain timeout; the next owner re-runs them", _partitionId, _runners.Count);
            Context.Stop(Self);
        });
        Command<AttemptSucceeded>(OnSucceeded);
        Command<ProgressUpdated>(OnProgress);
        Command<Terminated>(t => OnRunnerStopped(t.ActorRef));
        Command<DueTick>(_ =>
        {
            _timerArmedFor = null;
            AfterStateChange();
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("partition {0}: snapshot failed: {1}", _partitionId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("partition {0}: deleting old snapshots failed: {1}", _partitionId, f.Cause.Message));
    }

    public override string PersistenceId => $"partition-{_partitionId}";

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    public static Props Props(int partitionId, JobEngineSettings settings, JobHandlerRegistry handlers, IActorRef capacity, IActorRef events, string node) =>
        Akka.Actor.Props.Create(() => new JobSupervisor(partitionId, settings, handlers, capacity, events, node));

    /// <summary>
    /// Where a failed attempt is classified. The runner is always stopped; what follows (retry
    /// after backoff, dead-letter, cancel) is decided when its Terminated arrives.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, -1, e =>
    {
        var (kind, message) = FailureClassifier.Classify(e);
        if (e is JobAttemptFailedException f) _failures[f.JobId] = (f.Attempt, kind, message);
        else _log.Error(e, "partition {0}: a job runner crashed", _partitionId);
        return Directive.Stop;
    }, loggingEnabled: false);

    private void OnRecovered()
    {
        _durable = _state;
        var interrupted = JobRules.Interrupted(_state, Now, _random.NextDouble);
        if (interrupted.Count > 0)
        {
            _log.Warning("partition {0}: {1} attempt(s) were interrupted; retrying or dead-lettering them", _partitionId, _state.Running.Count());
            PersistEvents(interrupted);
        }
        AfterStateChange();
    }

    private void OnSubmit(SubmitJob cmd)
    {
        if (_eventsInFlight >= _settings.MaxEventsInFlight && !_state.Knows(cmd.JobId))
        {
            Sender.Tell(new JobRejected(cmd.JobId, $"partition {_partitionId} has {_eventsInFlight} events waiting for the journal"));
            return;
        }
        switch (JobRules.Submit(_state, cmd, Now))
        {
            case JobRules.AlreadyExists:
                var replyTo = Sender;
                void Answer() => replyTo.Tell(new JobSubmitted(cmd.JobId, false, ViewOf(cmd.JobId)));
                // A retried submission whose first write is still in flight is answered once that write is durable.
                if (_durable.Knows(cmd.JobId)) Answer();
                else DeferAsync(cmd, _ => Answer());
                break;
            case JobRules.Persist p:
                var sender = Sender;
                PersistEvents(p.Events, () => sender.Tell(new JobSubmitted(cmd.JobId, true, ViewOf(cmd.JobId))));
                break;
        }
    }

    private void OnCancel(CancelJob cmd)
    {
        var decision = JobRules.Cancel(_state, cmd.JobId, Now);
        if (decision is JobRules.CancelRunning running)
        {
            if (_runners.TryGetValue(running.Job.Id, out var r))
            {
                r.Runner.Tell(new CancelAttempt());
                Sender.Tell(new JobFound(View(running.Job)));
                return;
            }
            // The attempt's start is still being journaled; no handler runs yet.
            decision = new JobRules.Persist([new JobCancelled(cmd.JobId, FailureKind.Cancelled, "cancelled by request", Now)]);
        }
        Reply(cmd.JobId, decision);
    }

    private void Reply(string jobId, JobRules.Decision decision)
    {
        switch (decision)
        {
            case JobRules.NotFound:
                Sender.Tell(_recent.TryGetValue(jobId, out var finished)
                    ? new JobConflict(jobId, finished.Status, $"job is {JobRules.Status(finished.Status)}")
                    : new JobNotFound(jobId, MaybeArchived: true));
                break;
            case JobRules.Conflict c:
                Sender.Tell(new JobConflict(jobId, c.Status, c.Detail));
                break;
            case JobRules.Persist p:
                var sender = Sender;
                PersistEvents(p.Events, () => sender.Tell(ViewOf(jobId) is { } v ? new JobFound(v) : new JobNotFound(jobId, true)));
                break;
        }
    }

    private void StartDraining()
    {
        if (_draining) return;
        _draining = true;
        _capacity.Tell(new Demand(_partitionId, false, 0, 0));
        _log.Info("partition {0}: handing off; waiting for {1} running attempt(s)", _partitionId, _runners.Count);
        Timers.StartSingleTimer("drain", new DrainTimedOut(), _settings.DrainTimeout);
        StopIfDrained();
    }

    /// <summary>While draining: stop once no attempt runs and every write is confirmed.</summary>
    private void StopIfDrained()
    {
        if (_draining && _runners.Count == 0 && _eventsInFlight == 0) Context.Stop(Self);
    }

    private void OnSlotGranted()
    {
        if (_draining)
        {
            _capacity.Tell(SlotReleased.Instance);
            return;
        }
        var start = JobRules.StartNext(_state, _node, Now);
        if (start is null)
        {
            _capacity.Tell(SlotReleased.Instance);
            SendDemand(force: true);
            return;
        }
        PersistEvents([start], () => StartRunner(start));
        SendDemand(force: true);
    }

    private void StartRunner(JobAttemptStarted start)
    {
        if (_state.Find(start.JobId) is not { Status: JobStatus.Running } job || job.Attempts != start.Attempt || _runners.ContainsKey(job.Id))
        {
            _capacity.Tell(SlotReleased.Instance); // cancelled while the start was being journaled
            return;
        }
        var runner = Context.ActorOf(JobRunner.Props(job, start.Attempt, _handlers, _settings), $"{job.Id}-a{start.Attempt}");
        Context.Watch(runner);
        _runners[job.Id] = (runner, start.Attempt);
        _jobOfRunner[runner] = job.Id;
    }

    private void OnSucceeded(AttemptSucceeded m)
    {
        if (!_runners.TryGetValue(m.JobId, out var r) || r.Attempt != m.Attempt) return;
        ForgetRunner(m.JobId, r.Runner, stop: true);
        PersistEvents([new JobCompleted(m.JobId, m.Attempt, m.ResultJson, Now)]);
    }

    private void OnRunnerStopped(IActorRef runner)
    {
        if (!_jobOfRunner.TryGetValue(runner, out var jobId)) return;
        var attempt = _runners[jobId].Attempt;
        ForgetRunner(jobId, runner, stop: false);
        var (kind, message) = _failures.Remove(jobId, out var f) && f.Attempt == attempt
            ? (f.Kind, f.Message)
            : (FailureKind.Transient, "the attempt's runner stopped unexpectedly");
        if (_state.Find(jobId) is not { Status: JobStatus.Running } job)
        {
            StopIfDrained();
            return;
        }
        _log.Info("job {0} attempt {1} failed ({2}): {3}", jobId, attempt, PartitionState.KindName(kind), message);
        PersistEvents(RetryPolicy.AfterFailure(job, attempt, kind, message, Now, _random.NextDouble()));
    }

    private void ForgetRunner(string jobId, IActorRef runner, bool stop)
    {
        _runners.Remove(jobId);
        _jobOfRunner.Remove(runner);
        Context.Unwatch(runner);
        if (stop) Context.Stop(runner);
        _capacity.Tell(SlotReleased.Instance);
    }

    private void OnProgress(ProgressUpdated m)
    {
        if (!_runners.TryGetValue(m.JobId, out var r) || r.Attempt != m.Attempt) return;
        _progress[m.JobId] = m.Progress;
        var detail = m.Progress.Percent is { } pct ? $"{pct:0.#}%" + (m.Progress.Message is { } msg ? " " + msg : "") : m.Progress.Message;
        _events.Tell(new JobEventPublished(m.JobId, -1, new HistoryEntry(Now, HistoryEvents.Progress, m.Attempt, _node, detail), JobStatus.Running, m.Progress));
    }

    /// <summary>
    /// Applies the events to the working state at once, writes them asynchronously, and in the
    /// write's callbacks advances the durable state, publishes each event and finally runs
    /// <paramref name="onDurable"/> (replies and runner spawns wait for durability).
    /// </summary>
    private void PersistEvents(IReadOnlyList<IJobEvent> events, Action? onDurable = null)
    {
        var notes = new JobEventPublished?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var (state, job) = _state.Apply(events[i]);
            _state = state;
            if (job is null) continue;
            notes[i] = new JobEventPublished(job.Id, job.History.Count - 1, job.History[^1], job.Status,
                job.Status == JobStatus.Running ? _progress.GetValueOrDefault(job.Id) : null);
            if (!_state.Jobs.ContainsKey(job.Id)) Remember(job);
        }

        var confirmed = 0;
        _eventsInFlight += events.Count;
        PersistAllAsync(events, e =>
        {
            _eventsInFlight--;
            _durable = _durable.Apply(e).State;
            if (notes[confirmed] is { } note) _events.Tell(note);
            if (++confirmed < events.Count) return;
            onDurable?.Invoke();
            StopIfDrained();
            _eventsSinceSnapshot += events.Count;
            if (_eventsSinceSnapshot >= _settings.SnapshotEvery)
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(_durable.ToSnapshot());
            }
        });
        AfterStateChange();
    }

    private void Remember(JobRecord finished)
    {
        var view = View(finished);
        _progress.Remove(finished.Id);
        _failures.Remove(finished.Id);
        if (_recent.TryAdd(finished.Id, view)) _recentOrder.Enqueue(finished.Id);
        else _recent[finished.Id] = view;
        while (_recentOrder.Count > _settings.RecentFinishedPerPartition)
            _recent.Remove(_recentOrder.Dequeue());
    }

    /// <summary>Promotes due jobs, re-arms the due timer and tells the gate about the head of the queue.</summary>
    private void AfterStateChange()
    {
        var now = Now;
        var promoted = _state.PromoteDue(now);
        if (!ReferenceEquals(promoted, _state))
        {
            _state = promoted;
            _durable = _durable.PromoteDue(now);
        }
        if (_state.NextDue is { } due && due != _timerArmedFor)
        {
            _timerArmedFor = due;
            Timers.StartSingleTimer("due", new DueTick(), due - now);
        }
        SendDemand(force: false);
    }

    private void SendDemand(bool force)
    {
        if (_draining) return;
        var head = _state.Head;
        var demand = head is null ? (false, 0, 0L) : (true, head.Spec.Priority, head.CreatedAt.UtcTicks);
        if (!force && _lastDemand == demand) return;
        _lastDemand = demand;
        _capacity.Tell(new Demand(_partitionId, demand.Item1, demand.Item2, demand.Item3));
    }

    private PartitionStatus Status() => new(
        _partitionId,
        _state.Jobs.Count,
        _state.Pending.Count,
        _state.Scheduled.Count,
        _runners.Count,
        _state.Jobs.Values.Count(j => j.Status == JobStatus.Failed),
        LastSequenceNr,
        _recoveredFromSnapshotAt,
        _eventsReplayed,
        _node);

    private IJobReply Lookup(string jobId) =>
        ViewOf(jobId) is { } v ? new JobFound(v) : new JobNotFound(jobId, MaybeArchived: true);

    private JobView? ViewOf(string jobId) =>
        _state.Find(jobId) is { } job ? View(job) : _recent.GetValueOrDefault(jobId);

    private JobView View(JobRecord job) => JobViews.From(job, _progress.GetValueOrDefault(job.Id));
}
