using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Remote;
using Jobs.Actors.Attempts;
using Jobs.Actors.Dependencies;
using Jobs.Actors.Limits;
using Jobs.Actors.Observability;
using Jobs.Actors.Placement;
using Jobs.Actors.Usage;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// The sharded, event-sourced owner of one partition of the jobs. Commands are decided by the pure
/// <see cref="JobRules"/>, applied and journaled by group commit (<see cref="PartitionJournal"/>);
/// each running attempt is a <see cref="JobRunner"/> child (<see cref="RunningAttempts"/>), and
/// this actor's supervision strategy classifies a failed attempt, after which the pure
/// <see cref="RetryPolicy"/> decides retry or dead-letter. Replies, runner spawns and published
/// events wait until the events behind them are durable. docs/architecture.md has the flows.
/// </summary>
public sealed class JobSupervisor : ReceivePersistentActor, IWithTimers, PartitionJournal.IWriter
{
    private sealed record DueTick;
    private sealed record ExpiryTick;
    private sealed record DrainTimedOut;
    private sealed record LeaseCheck;

    private readonly int _partitionId;
    private readonly PartitionServices _services;
    private readonly string _queue;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _random = new();
    private readonly JobMetrics _metrics;
    private readonly PartitionJournal _journal;
    private readonly RunningAttempts _attempts;
    private readonly DependencyWatches _watches;
    private readonly RecentlyFinished _recent;
    private readonly PartitionDemand _demand;
    private readonly LiveJobIndex _live;
    private readonly LimitLeases _leases;
    private readonly JournalTrim _trim;
    private DateTimeOffset? _timerArmedFor;
    private DateTimeOffset? _expiryArmedFor;
    private bool _draining;
    private bool _hadLimited;

    public JobSupervisor(int partitionId, PartitionServices services)
    {
        _partitionId = partitionId;
        _services = services;
        PersistenceId = $"partition-{partitionId}"; // read by Akka for every write: built once
        _queue = services.Options.Layout.QueueOfPartition(partitionId);
        _demand = new PartitionDemand(partitionId, _queue, services.Capacity, services.ServedQueues.Contains(_queue));
        _metrics = JobMetrics.Get(Context.System);
        _live = LiveJobIndex.Get(Context.System);
        _journal = new PartitionJournal(this, StringPool.Get(Context.System), services.Options.SnapshotEvery,
            OnDurable, StopIfDrained, _metrics.RecordJournalWrite, services.Retention);
        _attempts = new RunningAttempts(Context, services.Capacity, services.RunnerProps);
        _watches = new DependencyWatches(Self, services.Router, services.Options.Layout, services.ArchivedStatus, Context.System.Scheduler);
        _recent = new RecentlyFinished(services.Options.RecentFinished);
        _leases = new LimitLeases(services.Limiters, Self, () => Now);
        _trim = new JournalTrim(services.ProjectedSequenceNr is { } projected ? () => projected(PersistenceId) : null,
            DeleteMessages, Self, () => Timers);

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not PartitionSnapshot s) return;
            _journal.RecoverSnapshot(s, o.Metadata.SequenceNr, new DateTimeOffset(o.Metadata.Timestamp, TimeSpan.Zero));
            _trim.Recovered(s.JournalDeletedTo);
        });
        Recover<IJobEvent>(_journal.RecoverRow);
        Recover<JobEventBatch>(_journal.RecoverRow);
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<SubmitJob>(c =>
        {
            var sender = Sender;
            SubmitAll([c], withViews: true, (_, reply) => sender.Tell(reply));
        });
        Command<SubmitJobs>(c =>
        {
            var answers = new SubmitJobsAnswers(c, Sender);
            if (c.Jobs.Count == 0) answers.SendEmpty();
            else SubmitAll(c.Jobs, c.WithViews, answers.Answer);
        });
        Command<GetJob>(q => Sender.Tell(ViewOf(q.JobId) is { } v ? new JobFound(v) : new JobNotFound(q.JobId, MaybeArchived: true)));
        Command<CancelJob>(OnCancel);
        Command<RequeueJob>(c => Reply(c.JobId, JobRules.Requeue(State, c.JobId, Now)));
        Command<PurgeJob>(c => Reply(c.JobId, JobRules.Purge(State, c.JobId, Now)));
        Command<GetPartitionStatus>(_ => Sender.Tell(Status()));
        Command<SlotGranted>(OnSlotGranted);
        Command<AttemptSucceeded>(OnSucceeded);
        Command<ProgressUpdated>(OnProgress);
        Command<Terminated>(t =>
        {
            if (_leases.IsLimiter(t.ActorRef)) OnLimiterStopped(t.ActorRef);
            else OnRunnerStopped(t.ActorRef);
        });
        Command<LeaseGranted>(g =>
        {
            Context.Watch(Sender);
            _leases.Granted(g, Sender);
            SendDemand(force: false);
        });
        Command<LeaseCheck>(_ => SendDemand(force: false));
        Command<LeaseQueued>(q =>
        {
            _leases.Queued(q);
            SendDemand(force: false);
        });
        Command<NotLimited>(n =>
        {
            _leases.NotLimited(n);
            SendDemand(force: false);
        });
        Command<WatchJob>(w => _watches.OnWatch(w, Sender, State.Find(w.JobId), _recent.Find(w.JobId, Now)?.Status, State.Knows(w.JobId)));
        Command<DependencyWatches.ArchivedStatus>(_watches.OnArchived);
        Command<WatchedJobEnded>(m =>
        {
            if (DependencyRules.OnEnded(m, State.Find(m.WatcherJobId), Now) is { } e) Commit([e]);
        });
        Command<PartitionRecovered>(_watches.OnPartitionRecovered);
        Command<DisassociatedEvent>(_ => _watches.OnLinkLost());
        Command<DependencyWatches.RewatchDue>(_ => _watches.Rewatch(State.Waiting));
        Command<StopPartition>(_ => StartDraining());
        Command<DrainTimedOut>(_ => HandOffRunning());
        Command<DueTick>(_ =>
        {
            _timerArmedFor = null;
            AfterStateChange();
        });
        Command<ExpiryTick>(_ =>
        {
            _expiryArmedFor = null;
            if (RetentionRules.Expire(State, Now) is { } expired) Commit([expired]);
            else AfterStateChange();
        });
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
            _trim.SnapshotSaved(s.Metadata.SequenceNr);
        });
        Command<JournalTrim.Projected>(_trim.OnProjected);
        Command<JournalTrim.Retry>(_ => _trim.OnRetry());
        Command<DeleteMessagesSuccess>(d =>
        {
            _trim.OnDeleted(d.ToSequenceNr);
            _services.JournalTrimmed?.Invoke();
        });
        Command<DeleteMessagesFailure>(f =>
        {
            _log.Warning("partition {0}: deleting the journal up to {1} failed: {2}", _partitionId, f.ToSequenceNr, f.Cause.Message);
            _trim.OnDeleteFailed();
        });
        Command<SaveSnapshotFailure>(f => _log.Warning("partition {0}: snapshot failed: {1}", _partitionId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("partition {0}: deleting old snapshots failed: {1}", _partitionId, f.Cause.Message));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private PartitionState State => _journal.State;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    public static Props Props(int partitionId, PartitionServices services) =>
        Akka.Actor.Props.Create(() => new JobSupervisor(partitionId, services));

    /// <summary>
    /// Where a failed attempt is classified. The runner is always stopped; what follows (retry
    /// after backoff, dead-letter, cancel) is decided when its Terminated arrives.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, -1, e =>
    {
        var (kind, message, retryAfter) = FailureClassifier.Classify(e, _services.Attempts.MaxErrorChars);
        if (e is JobAttemptFailedException f) _attempts.Classified(f.JobId, new RunningAttempts.Failure(f.Attempt, kind, message, retryAfter));
        else _log.Error(e, "partition {0}: a job runner crashed", _partitionId);
        return Directive.Stop;
    }, loggingEnabled: false);

    protected override void PreStart()
    {
        // messages to or from a node whose association ended may have been dropped: watches are sent again
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        base.PreStart();
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _metrics.ForgetPartition(_partitionId);
        _live.Forget(_partitionId);
        base.PostStop();
    }

    private void OnRecovered()
    {
        _journal.RecoveryCompleted();
        var interrupted = JobRules.Interrupted(State, Now, _random.NextDouble);
        if (interrupted.Count > 0)
        {
            _log.Warning("partition {0}: {1} attempt(s) were interrupted; retrying or dead-lettering them", _partitionId, State.Running.Count());
            Commit(interrupted);
        }
        _watches.Watch(State.Waiting);
        _watches.AnnounceRecovery(_partitionId);
        AfterStateChange();
    }

    /// <summary>
    /// Answers each job as <see cref="JobRules.SubmitAll"/> decides — refused, already known (once
    /// its acceptance is durable), or new — and commits the new ones together.
    /// </summary>
    /// <param name="answer">called once per job (with its index), on this actor's thread, when it is durable or refused.</param>
    private void SubmitAll(IReadOnlyList<SubmitJob> jobs, bool withViews, Action<int, IJobReply> answer)
    {
        var (accepted, outcomes) = JobRules.SubmitAll(State, jobs, _journal.EventsInFlight, _services.Options.MaxEventsInFlight, Now);
        JobSubmitted Answer(int i, bool created) => new(jobs[i].JobId, created, withViews ? ViewOf(jobs[i].JobId) : null);
        for (var i = 0; i < jobs.Count; i++)
        {
            var index = i;
            switch (outcomes[i].Kind)
            {
                case JobRules.Submission.Refused:
                    answer(i, new JobRejected(jobs[i].JobId, $"partition {_partitionId} has {outcomes[i].EventsWaiting} events waiting for the journal"));
                    break;
                // a retried submission whose first write is still in flight is answered once that write is durable
                case JobRules.Submission.Known when _journal.Durable.Knows(jobs[i].JobId):
                    answer(i, Answer(i, false));
                    break;
                case JobRules.Submission.Known:
                    _journal.WhenDurable(() => answer(index, Answer(index, false)));
                    break;
            }
        }
        if (accepted.Count == 0) return;
        Commit(accepted, () =>
        {
            for (var i = 0; i < jobs.Count; i++)
                if (outcomes[i].Kind is JobRules.Submission.Accepted or JobRules.Submission.RepeatInMessage)
                    answer(i, Answer(i, outcomes[i].Kind == JobRules.Submission.Accepted));
            _watches.Watch(outcomes.Select((o, i) => o.Kind == JobRules.Submission.Accepted ? State.Find(jobs[i].JobId) : null)
                .OfType<JobRecord>().Where(j => j.WaitingFor.Count > 0));
        });
    }

    private void OnCancel(CancelJob cmd)
    {
        var decision = JobRules.Cancel(State, cmd.JobId, Now);
        if (decision is JobRules.CancelRunning running)
        {
            if (_attempts.Cancel(running.Job.Id))
            {
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
                Sender.Tell(_recent.Find(jobId, Now) is { } finished
                    ? new JobConflict(jobId, finished.Status, $"job is {JobRules.Status(finished.Status)}")
                    : new JobNotFound(jobId, MaybeArchived: true));
                break;
            case JobRules.Conflict c:
                Sender.Tell(new JobConflict(jobId, c.Status, c.Detail));
                break;
            case JobRules.Persist p:
                var sender = Sender;
                Commit(p.Events, () => sender.Tell(ViewOf(jobId) is { } v ? new JobFound(v) : new JobNotFound(jobId, true)));
                break;
        }
    }

    private void OnSlotGranted(SlotGranted grant)
    {
        if (_draining)
        {
            _services.Capacity.Tell(new SlotReleased(grant.Tenant));
            return;
        }
        var start = JobRules.StartNext(State, _services.Node, Now, grant.Tenant, _leases.MayStart);
        if (start is null)
        {
            _services.Capacity.Tell(new SlotReleased(grant.Tenant));
            SendDemand(force: true);
            return;
        }
        _leases.Use(LimitKeys.Of(State.Find(start.JobId)!.Spec), start.JobId);
        Commit([start], () => StartRunner(start, grant.Tenant));
        SendDemand(force: true);
    }

    private void StartRunner(JobAttemptStarted start, string tenant)
    {
        if (State.Find(start.JobId) is not { Status: JobStatus.Running } job || job.Attempts != start.Attempt || _attempts.IsRunning(job.Id))
        {
            _services.Capacity.Tell(new SlotReleased(tenant)); // cancelled while the start was being journaled
            return;
        }
        _attempts.Start(job, start.Attempt);
    }

    private void OnSucceeded(AttemptSucceeded m)
    {
        if (_attempts.Succeeded(m.JobId, m.Attempt))
            Commit([new JobCompleted(m.JobId, m.Attempt, m.ResultJson, Now) { ReusedFrom = m.ReusedFrom }]);
    }

    /// <summary>A runner stopped: after a classified failure (or an unexpected stop), retry or dead-letter by <see cref="RetryPolicy"/>.</summary>
    private void OnRunnerStopped(IActorRef runner)
    {
        if (_attempts.Stopped(runner) is not var (jobId, failure)) return;
        if (State.Find(jobId) is not { Status: JobStatus.Running } job)
        {
            StopIfDrained();
            return;
        }
        _log.Info("job {0} attempt {1} failed ({2}): {3}", jobId, failure.Attempt, PartitionState.KindName(failure.Kind), failure.Message);
        Commit(RetryPolicy.AfterFailure(job, failure.Attempt, failure.Kind, failure.Message, Now, _random.NextDouble(), failure.RetryAfter));
    }

    private void OnProgress(ProgressUpdated m)
    {
        if (!_attempts.Progressed(m)) return;
        var detail = m.Progress.Percent is { } pct ? $"{pct:0.#}%" + (m.Progress.Message is { } msg ? " " + msg : "") : m.Progress.Message;
        _services.Events.Tell(new JobEventPublished(m.JobId, -1, new HistoryEntry(Now, HistoryEvents.Progress, m.Attempt, _services.Node, detail), JobStatus.Running, m.Progress));
    }

    /// <summary>A limiter this partition holds leases of stopped: they are registered again with its next incarnation.</summary>
    private void OnLimiterStopped(IActorRef limiter)
    {
        _leases.LimiterStopped(limiter);
        SendDemand(force: false);
    }

    private void StartDraining()
    {
        if (_draining) return;
        _draining = true;
        _demand.Withdraw();
        if (_attempts.Count > 0)
            _log.Info("partition {0}: handing off; waiting up to {1} for {2} running attempt(s)", _partitionId, _services.Options.HandOffTimeout, _attempts.Count);
        Timers.StartSingleTimer("drain", new DrainTimedOut(), _services.Options.HandOffTimeout);
        StopIfDrained();
    }

    /// <summary>
    /// The hand-off wait is over: cancel what still runs and journal that those attempts were
    /// handed off, so the next owner runs them again without counting them; stop once durable.
    /// </summary>
    private void HandOffRunning()
    {
        if (_attempts.Count == 0)
        {
            StopIfDrained();
            return;
        }
        _log.Warning("partition {0}: {1} attempt(s) still running at the hand-off timeout; the next owner re-runs them", _partitionId, _attempts.Count);
        Commit(_attempts.CancelAll().Select(r => (IJobEvent)new JobAttemptHandedOff(r.JobId, r.Attempt, _services.Node, Now)).ToArray());
    }

    /// <summary>While draining: stop once no attempt runs and every write is confirmed.</summary>
    private void StopIfDrained()
    {
        if (_draining && _attempts.Count == 0 && _journal.EventsInFlight == 0) Context.Stop(Self);
    }

    /// <summary>Applies and journals the events (<see cref="PartitionJournal.Persist"/>); <paramref name="onDurable"/> runs once they are durable.</summary>
    private void Commit(IReadOnlyList<IJobEvent> events, Action? onDurable = null)
    {
        if (events.Count == 0)
        {
            if (onDurable is not null) _journal.WhenDurable(onDurable);
            return;
        }
        foreach (var e in events)
            if (e is JobsExpired expired)
            {
                _recent.Forget(expired.JobIds);
                _live.Forget(expired.JobIds);
            }
        foreach (var (_, after) in _journal.Persist(events, onDurable))
        {
            // a job these events took out of memory (completed, cancelled, purged): its last view is remembered
            if (after is null || State.Jobs.ContainsKey(after.Id)) continue;
            _recent.Remember(View(after));
            _attempts.Finished(after.Id);
        }
        AfterStateChange();
    }

    /// <summary>An event is durable: record its metrics and usage, show it to lists (<see cref="LiveJobIndex"/>), publish it, tell its watchers.</summary>
    private void OnDurable(IJobEvent e, JobRecord? before, JobRecord after)
    {
        _metrics.Record(e, before, after);
        _live.Record(_partitionId, after);
        if (before?.Status == JobStatus.Running && after.Status != JobStatus.Running)
            _leases.Ended(after.Id, e is JobCompleted c && TokenUsage.Of(c, after) is { } used ? (int)Math.Min(int.MaxValue, used.PromptTokens + used.CompletionTokens) : null);
        if (e is JobCompleted { ReusedFrom: null } done && _services.Usage is { } usage && TokenUsage.Of(done, after) is { } tokens)
            usage.Tell(tokens);
        var note = new JobEventPublished(after.Id, after.History.Count - 1, after.History[^1], after.Status,
            after.Status == JobStatus.Running ? _attempts.ProgressOf(after.Id) : null);
        _services.Events.Tell(note);
        if (note.IsTerminal) _watches.Ended(note.JobId, note.Status);
    }

    /// <summary>Promotes due jobs, re-arms the due timer and tells the gate about the head of the queue.</summary>
    private void AfterStateChange()
    {
        _metrics.SetDepth(_partitionId, _queue, State.Pending.Count);
        var now = Now;
        _journal.PromoteDue(now);
        if (State.NextDue is { } due && due != _timerArmedFor)
        {
            _timerArmedFor = due;
            Timers.StartSingleTimer("due", new DueTick(), due - now);
        }
        if (State.NextExpiry is { } expiry && expiry != _expiryArmedFor)
        {
            _expiryArmedFor = expiry;
            Timers.StartSingleTimer("expiry", new ExpiryTick(), expiry > now ? expiry - now : TimeSpan.Zero);
        }
        SendDemand(force: false);
    }

    private void SendDemand(bool force)
    {
        if (_draining) return;
        var state = State;
        HashSet<string>? limitedKeys = null;
        Dictionary<string, int>? waiting = null;
        foreach (var run in state.PendingRuns())
        {
            if (_leases.IsFree(run.Limit)) continue;
            (limitedKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(run.Limit);
            if (_leases.IsLimited(run.Limit))
                (waiting ??= new Dictionary<string, int>(StringComparer.Ordinal))[run.Limit] = waiting.GetValueOrDefault(run.Limit) + run.Count;
            if (_leases.ShouldAsk(run.Limit)) _leases.Ask(run.Limit, TokenEstimate.Of(state.Jobs[run.Head.JobId].Spec));
        }
        if (limitedKeys is not null || _hadLimited)
        {
            _hadLimited = limitedKeys is not null;
            _metrics.SetLimitWaiting(_partitionId, waiting);
            _leases.KeepOnly(limitedKeys);
            if (_leases.Asking) Timers.StartSingleTimer("leases", new LeaseCheck(), LimitLeases.AskAgainAfter);
        }
        _demand.Tell(state.TenantHeads(_leases.MayStart), force);
    }

    /// <summary>
    /// The journal refused a row without storing it (it could not be serialized). The working
    /// state already holds its events and later rows were decided on top of them, so the partition
    /// restarts and recovers what the journal holds; the refused events' senders got no answer
    /// and may retry (a sender that could not have answered durably never gets a 202).
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "partition {0}: the journal refused row {1} ({2}); restarting from the journal", _partitionId, sequenceNr, @event.GetType().Name);
        throw new JournalRowRejectedException(_partitionId, sequenceNr, cause);
    }

    void PartitionJournal.IWriter.PersistRows(IEnumerable<object> rows, Action<object> onRow) => PersistAllAsync(rows, onRow);

    void PartitionJournal.IWriter.Defer(Action callback) => DeferAsync(callback, c => c());

    void PartitionJournal.IWriter.SaveSnapshot(PartitionSnapshot snapshot) => SaveSnapshot(snapshot with { JournalDeletedTo = _trim.DeletedTo });

    private PartitionStatus Status() => new(_partitionId, State.Jobs.Count, State.Pending.Count, State.Scheduled.Count, _attempts.Count,
        State.Jobs.Values.Count(j => j.Status == JobStatus.Failed), LastSequenceNr, _journal.RecoveredFromSnapshotAt, _journal.EventsReplayed, _services.Node);

    private JobView? ViewOf(string jobId) => State.Find(jobId) is { } job && !job.ExpiredAt(Now) ? View(job) : _recent.Find(jobId, Now);

    private JobView View(JobRecord job) => JobViews.From(job, _attempts.ProgressOf(job.Id));
}
