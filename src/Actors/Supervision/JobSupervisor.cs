using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Jobs.Actors.Capacity;
using Jobs.Actors.Handlers;
using Jobs.Actors.Observability;
using Jobs.Actors.ReadModel;
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
    private sealed record ReassertWatches;
    private sealed record ArchivedStatus(WatchJob Watch, IActorRef ReplyTo, JobStatus? Status, bool Known);
    /// <summary>An event waiting for the journal, with its job's record before and after it (what its confirmation records and publishes).</summary>
    private readonly record struct QueuedEvent(IJobEvent Event, JobRecord? Before, JobRecord? After);

    private readonly int _partitionId;
    private readonly JobEngineSettings _settings;
    private readonly JobHandlerRegistry _handlers;
    private readonly IActorRef _capacity;
    private readonly IActorRef _events;
    private readonly string _node;
    private readonly string _queue;
    private readonly bool _serves;
    private readonly IActorRef? _router;
    private readonly IJobReadStore? _archive;
    /// <summary>Dependency id → (dependent job id → the dependent's partition), told when the dependency ends. Rebuilt by the dependents' periodic watches.</summary>
    private readonly Dictionary<string, Dictionary<string, IActorRef>> _watchers = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _random = new();
    private readonly IActorRef? _resultCache;
    private readonly IActorRef? _usage;

    /// <summary>Working state: includes events whose write is still in flight.</summary>
    private PartitionState _state = PartitionState.Empty;
    /// <summary>
    /// Durable state: only events the journal confirmed; what snapshots save. It is the working
    /// state as it was when the last confirmed write was sent (a write carries everything
    /// queued, so that state holds exactly its events): no event is applied twice.
    /// </summary>
    private PartitionState _durable = PartitionState.Empty;

    private readonly Dictionary<string, (IActorRef Runner, int Attempt)> _runners = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _jobOfRunner = new();
    private readonly Dictionary<string, (int Attempt, FailureKind Kind, string Message, TimeSpan? RetryAfter)> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobProgress> _progress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobView> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private (bool HasWork, int Priority, long Ticks)? _lastDemand;
    private DateTimeOffset? _timerArmedFor;
    private long _eventsSinceSnapshot;
    private long _recoveredFromSnapshotAt;
    private long _eventsReplayed;
    /// <summary>Events decided but not yet confirmed by the journal (queued or in flight).</summary>
    private int _eventsInFlight;
    /// <summary>Group commit: events applied to the working state, waiting for the in-flight write to finish.</summary>
    private readonly List<QueuedEvent> _queued = [];
    /// <summary>Callbacks to run once the first <c>After</c> queued events are durable.</summary>
    private readonly List<(int After, Action Callback)> _queuedCallbacks = [];
    private int _rowsInFlight;
    private bool _draining;

    public JobSupervisor(int partitionId, JobEngineSettings settings, JobHandlerRegistry handlers, IActorRef capacity, IActorRef events, string node,
        IActorRef? router = null, IJobReadStore? archive = null, IActorRef? resultCache = null, IActorRef? usage = null)
    {
        _resultCache = resultCache;
        _usage = usage;
        _partitionId = partitionId;
        PersistenceId = $"partition-{partitionId}"; // read by Akka for every write: built once
        _settings = settings;
        _handlers = handlers;
        _capacity = capacity;
        _events = events;
        _node = node;
        _router = router;
        _archive = archive;
        _queue = settings.Layout.QueueOfPartition(partitionId);
        _serves = settings.Serves(_queue);

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
        Recover<JobEventBatch>(b =>
        {
            _state = _state.ApplyAll(b.Events).State;
            _eventsReplayed += b.Events.Count;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<SubmitJob>(OnSubmit);
        Command<SubmitJobs>(OnSubmitMany);
        Command<GetJob>(q => Sender.Tell(Lookup(q.JobId)));
        Command<CancelJob>(OnCancel);
        Command<RequeueJob>(c => Reply(c.JobId, JobRules.Requeue(_state, c.JobId, Now)));
        Command<PurgeJob>(c => Reply(c.JobId, JobRules.Purge(_state, c.JobId, Now)));
        Command<WakePartition>(_ => { });
        Command<GetPartitionStatus>(_ => Sender.Tell(Status()));
        Command<SlotGranted>(_ => OnSlotGranted());
        Command<StopPartition>(_ => StartDraining());
        Command<DrainTimedOut>(_ => HandOffRunning());
        Command<WatchJob>(OnWatch);
        Command<ArchivedStatus>(OnArchivedStatus);
        Command<WatchedJobEnded>(OnDependencyEnded);
        Command<ReassertWatches>(_ => SendWatches(_state.Waiting));
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

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    /// <param name="router">Where to send <see cref="WatchJob"/> for dependencies (the shard region); null: this partition (single-partition tests).</param>
    /// <param name="archive">The read model, to answer watches of jobs that left memory long ago.</param>
    /// <param name="resultCache">The result-reuse region (<c>dedupe</c>); without it dedupe jobs simply run.</param>
    public static Props Props(int partitionId, JobEngineSettings settings, JobHandlerRegistry handlers, IActorRef capacity, IActorRef events, string node,
        IActorRef? router = null, IJobReadStore? archive = null, IActorRef? resultCache = null, IActorRef? usage = null) =>
        Akka.Actor.Props.Create(() => new JobSupervisor(partitionId, settings, handlers, capacity, events, node, router, archive, resultCache, usage));

    /// <summary>
    /// Where a failed attempt is classified. The runner is always stopped; what follows (retry
    /// after backoff, dead-letter, cancel) is decided when its Terminated arrives.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, -1, e =>
    {
        var (kind, message, retryAfter) = FailureClassifier.Classify(e);
        if (e is JobAttemptFailedException f) _failures[f.JobId] = (f.Attempt, kind, message, retryAfter);
        else _log.Error(e, "partition {0}: a job runner crashed", _partitionId);
        return Directive.Stop;
    }, loggingEnabled: false);

    protected override void PostStop()
    {
        JobMetrics.ForgetPartition(_partitionId);
        base.PostStop();
    }

    private void OnRecovered()
    {
        _durable = _state;
        var interrupted = JobRules.Interrupted(_state, Now, _random.NextDouble);
        if (interrupted.Count > 0)
        {
            _log.Warning("partition {0}: {1} attempt(s) were interrupted; retrying or dead-lettering them", _partitionId, _state.Running.Count());
            PersistEvents(interrupted);
        }
        Timers.StartPeriodicTimer("watches", new ReassertWatches(), _settings.WatchInterval);
        SendWatches(_state.Waiting);
        AfterStateChange();
    }

    private void OnSubmit(SubmitJob cmd)
    {
        var sender = Sender;
        SubmitAll([cmd], withViews: true, (_, reply) => sender.Tell(reply));
    }

    /// <summary>A batch's jobs of this partition (or single submissions sent together): one answer once all are settled.</summary>
    private void OnSubmitMany(SubmitJobs cmd)
    {
        var sender = Sender;
        var jobs = cmd.Jobs;
        var created = new bool[jobs.Count];
        var rejected = new string?[jobs.Count];
        var views = cmd.WithViews ? new JobView?[jobs.Count] : null;
        var open = jobs.Count;
        if (open == 0)
        {
            sender.Tell(new JobsSubmitted([], [], []) { Views = views });
            return;
        }
        SubmitAll(jobs, cmd.WithViews, (i, reply) =>
        {
            if (reply is JobSubmitted s)
            {
                created[i] = s.Created;
                if (views is not null) views[i] = s.View;
            }
            else rejected[i] = reply is JobRejected r ? r.Reason : reply.GetType().Name;
            if (--open == 0) sender.Tell(new JobsSubmitted(jobs.Select(j => j.JobId).ToArray(), created, rejected) { Views = views });
        });
    }

    /// <summary>
    /// Decides each job in order, as if it came alone — refused while the partition is saturated,
    /// already known, or new — then applies and journals the new ones together (one
    /// <see cref="PersistEvents"/>: their acceptances are one run for <see cref="PartitionState.ApplyAll"/>).
    /// </summary>
    /// <param name="answer">called once per job (with its index), on this actor's thread, when it is durable or refused.</param>
    private void SubmitAll(IReadOnlyList<SubmitJob> jobs, bool withViews, Action<int, IJobReply> answer)
    {
        var now = Now;
        var accepted = new List<IJobEvent>();
        var acceptedAt = new List<int>();
        var acceptedIds = new HashSet<string>(StringComparer.Ordinal);
        var repeats = new List<int>(); // ids accepted earlier in this call: answered with them, as already known
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (acceptedIds.Contains(job.JobId))
            {
                repeats.Add(i);
                continue;
            }
            if (_eventsInFlight + accepted.Count >= _settings.MaxEventsInFlight && !_state.Knows(job.JobId))
            {
                answer(i, new JobRejected(job.JobId, $"partition {_partitionId} has {_eventsInFlight + accepted.Count} events waiting for the journal"));
                continue;
            }
            switch (JobRules.Submit(_state, job, now))
            {
                case JobRules.AlreadyExists:
                    var index = i;
                    void Known() => answer(index, new JobSubmitted(jobs[index].JobId, false, withViews ? ViewOf(jobs[index].JobId) : null));
                    // A retried submission whose first write is still in flight is answered once that write is durable.
                    if (_durable.Knows(job.JobId)) Known();
                    else WhenDurable(Known);
                    break;
                case JobRules.Persist p:
                    acceptedIds.Add(job.JobId);
                    accepted.AddRange(p.Events);
                    acceptedAt.Add(i);
                    break;
            }
        }
        if (accepted.Count == 0) return;
        PersistEvents(accepted, () =>
        {
            var watching = new List<JobRecord>();
            foreach (var i in acceptedAt)
            {
                answer(i, new JobSubmitted(jobs[i].JobId, true, withViews ? ViewOf(jobs[i].JobId) : null));
                if (_state.Find(jobs[i].JobId) is { WaitingFor.Count: > 0 } waiting) watching.Add(waiting);
            }
            foreach (var i in repeats) answer(i, new JobSubmitted(jobs[i].JobId, false, withViews ? ViewOf(jobs[i].JobId) : null));
            if (watching.Count > 0) SendWatches(watching);
        });
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
        if (_runners.Count > 0)
            _log.Info("partition {0}: handing off; waiting up to {1} for {2} running attempt(s)", _partitionId, _settings.HandOffTimeout, _runners.Count);
        Timers.StartSingleTimer("drain", new DrainTimedOut(), _settings.HandOffTimeout);
        StopIfDrained();
    }

    /// <summary>
    /// The hand-off wait is over: cancel what still runs and journal that those attempts were
    /// handed off, so the next owner runs them again without counting them; stop once durable.
    /// </summary>
    private void HandOffRunning()
    {
        if (_runners.Count == 0)
        {
            StopIfDrained();
            return;
        }
        _log.Warning("partition {0}: {1} attempt(s) still running at the hand-off timeout; the next owner re-runs them", _partitionId, _runners.Count);
        var events = new List<IJobEvent>();
        foreach (var (jobId, (runner, attempt)) in _runners.ToArray())
        {
            runner.Tell(new CancelAttempt());
            ForgetRunner(jobId, runner, stop: true);
            events.Add(new JobAttemptHandedOff(jobId, attempt, _node, Now));
        }
        PersistEvents(events);
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
        var runner = Context.ActorOf(JobRunner.Props(job, start.Attempt, _handlers, _settings, _resultCache), $"{job.Id}-a{start.Attempt}");
        Context.Watch(runner);
        _runners[job.Id] = (runner, start.Attempt);
        _jobOfRunner[runner] = job.Id;
    }

    private void OnSucceeded(AttemptSucceeded m)
    {
        if (!_runners.TryGetValue(m.JobId, out var r) || r.Attempt != m.Attempt) return;
        ForgetRunner(m.JobId, r.Runner, stop: true);
        PersistEvents([new JobCompleted(m.JobId, m.Attempt, m.ResultJson, Now) { ReusedFrom = m.ReusedFrom }]);
    }

    private void OnRunnerStopped(IActorRef runner)
    {
        if (!_jobOfRunner.TryGetValue(runner, out var jobId)) return;
        var attempt = _runners[jobId].Attempt;
        ForgetRunner(jobId, runner, stop: false);
        var (kind, message, retryAfter) = _failures.Remove(jobId, out var f) && f.Attempt == attempt
            ? (f.Kind, f.Message, f.RetryAfter)
            : (FailureKind.Transient, "the attempt's runner stopped unexpectedly", (TimeSpan?)null);
        if (_state.Find(jobId) is not { Status: JobStatus.Running } job)
        {
            StopIfDrained();
            return;
        }
        _log.Info("job {0} attempt {1} failed ({2}): {3}", jobId, attempt, PartitionState.KindName(kind), message);
        PersistEvents(RetryPolicy.AfterFailure(job, attempt, kind, message, Now, _random.NextDouble(), retryAfter));
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
    /// Applies the events to the working state at once and queues them for the journal (group
    /// commit, docs/architecture.md): with no write in flight they go out now, otherwise with
    /// everything else queued once the current write is confirmed. As each event becomes durable
    /// the durable state advances and the event is published; <paramref name="onDurable"/> runs
    /// once all of these events are durable (replies and runner spawns wait for durability).
    /// </summary>
    private void PersistEvents(IReadOnlyList<IJobEvent> events, Action? onDurable = null)
    {
        if (events.Count == 0)
        {
            if (onDurable is not null) WhenDurable(onDurable);
            return;
        }
        var (state, changes) = _state.ApplyAll(events);
        _state = state;
        for (var i = 0; i < events.Count; i++)
        {
            var (before, after) = changes[i];
            // a job these events took out of memory (completed, cancelled, purged): its last record is remembered
            if (after is not null && !_state.Jobs.ContainsKey(after.Id)) Remember(after);
            _queued.Add(new QueuedEvent(events[i], before, after));
        }
        _eventsInFlight += events.Count;
        if (onDurable is not null) _queuedCallbacks.Add((_queued.Count, onDurable));
        if (_rowsInFlight == 0) Flush();
        AfterStateChange();
    }

    /// <summary>Runs <paramref name="callback"/> once every event decided so far is durable.</summary>
    private void WhenDurable(Action callback)
    {
        if (_queued.Count > 0) _queuedCallbacks.Add((_queued.Count, callback));
        else DeferAsync(callback, c => c());
    }

    /// <summary>Writes everything queued: one row per <see cref="GroupCommit.Rows"/> entry, all in one journal write.</summary>
    private void Flush()
    {
        if (_queued.Count == 0) return;
        var queued = _queued.ToArray();
        var callbacks = _queuedCallbacks.ToArray();
        _queued.Clear();
        _queuedCallbacks.Clear();
        var rows = GroupCommit.Rows(queued.Select(q => q.Event).ToArray());
        var durableWhenWritten = _state; // holds exactly the events of this write on top of the previous one
        _rowsInFlight += rows.Count;
        var written = System.Diagnostics.Stopwatch.StartNew();
        var durable = 0;
        var nextCallback = 0;
        var rowIndex = 0;
        PersistAllAsync(rows.Select(r => r.Row), _ =>
        {
            if (rowIndex == 0) JobMetrics.RecordJournalWrite(written.Elapsed);
            var count = rows[rowIndex++].Count;
            var last = rowIndex == rows.Count;
            // callbacks may read the durable state (a retried submission asks whether its job is durable)
            if (last) _durable = durableWhenWritten;
            for (var i = 0; i < count; i++)
            {
                _eventsInFlight--;
                OnEventDurable(queued[durable++]);
                while (nextCallback < callbacks.Length && callbacks[nextCallback].After <= durable)
                    callbacks[nextCallback++].Callback();
            }
            _rowsInFlight--;
            StopIfDrained();
            _eventsSinceSnapshot += count;
            // only after the write's last row: LastSequenceNr is then the sequence number of the durable state
            if (last && SnapshotPolicy.IsDue(_eventsSinceSnapshot, _durable.Jobs.Count, _settings.SnapshotEvery))
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(_durable.ToSnapshot());
            }
            if (_rowsInFlight == 0) Flush();
        });
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

    /// <summary>An event is durable: record its metrics and usage, publish it, tell its watchers.</summary>
    private void OnEventDurable(QueuedEvent q)
    {
        var (e, before, after) = q;
        if (after is null) return;
        JobMetrics.Record(e, before, after);
        if (e is JobCompleted { ReusedFrom: null } done && _usage is not null && Usage.TokenUsage.Of(done, after) is { } tokens)
            _usage.Tell(tokens);
        var note = new JobEventPublished(after.Id, after.History.Count - 1, after.History[^1], after.Status,
            after.Status == JobStatus.Running ? _progress.GetValueOrDefault(after.Id) : null);
        _events.Tell(note);
        if (note.IsTerminal) NotifyWatchers(note.JobId, note.Status);
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
        JobMetrics.SetDepth(_partitionId, _queue, _state.Pending.Count);
        var now = Now;
        _state = _state.PromoteDue(now); // the durable state is caught up by the next write (being due is not an event)
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
        // A partition of a queue this node does not serve stores its jobs but never runs them; it
        // moves to a serving node as soon as one is up (QueueAwareAllocationStrategy).
        var head = _serves ? _state.Head : null;
        var demand = head is null ? (false, 0, 0L) : (true, head.Spec.Priority, head.CreatedAt.UtcTicks);
        if (!force && _lastDemand == demand) return;
        _lastDemand = demand;
        _capacity.Tell(new Demand(_partitionId, demand.Item1, demand.Item2, demand.Item3));
    }

    // ---- dependencies (dependsOn) ----

    /// <summary>Asks each dependency's partition to tell us when it ends (idempotent; repeated while waiting).</summary>
    private void SendWatches(IEnumerable<JobRecord> waiting)
    {
        foreach (var job in waiting)
        foreach (var dep in job.WaitingFor)
            (_router ?? Self).Tell(new WatchJob(_settings.Layout.PartitionOf(dep), dep, job.Id), Self);
    }

    private void OnWatch(WatchJob w)
    {
        if (_state.Find(w.JobId) is { } job && job.Status != JobStatus.Failed)
        {
            if (!_watchers.TryGetValue(w.JobId, out var watchers)) _watchers[w.JobId] = watchers = new(StringComparer.Ordinal);
            watchers[w.WatcherJobId] = Sender;
            return;
        }
        var ended = _state.Find(w.JobId)?.Status ?? _recent.GetValueOrDefault(w.JobId)?.Status;
        if (ended is not null)
        {
            Sender.Tell(new WatchedJobEnded(w.JobId, w.WatcherJobId, ended));
            return;
        }
        // Not in memory: finished long ago (the read model has it) or never existed.
        var known = _state.Knows(w.JobId);
        var replyTo = Sender;
        if (_archive is null)
        {
            if (!known) replyTo.Tell(new WatchedJobEnded(w.JobId, w.WatcherJobId, null));
            return;
        }
        _archive.GetAsync(w.JobId).PipeTo(Self,
            success: v => new ArchivedStatus(w, replyTo, v?.Status, known),
            failure: _ => new ArchivedStatus(w, replyTo, null, Known: true));
    }

    private void OnArchivedStatus(ArchivedStatus a)
    {
        if (a.Status is { } s && s is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
            a.ReplyTo.Tell(new WatchedJobEnded(a.Watch.JobId, a.Watch.WatcherJobId, s));
        else if (a.Status is null && !a.Known)
            a.ReplyTo.Tell(new WatchedJobEnded(a.Watch.JobId, a.Watch.WatcherJobId, null));
        // otherwise the read model lags behind; the watcher asks again
    }

    private void NotifyWatchers(string jobId, JobStatus status)
    {
        if (!_watchers.Remove(jobId, out var watchers)) return;
        foreach (var (watcherJobId, partition) in watchers)
            partition.Tell(new WatchedJobEnded(jobId, watcherJobId, status));
    }

    private void OnDependencyEnded(WatchedJobEnded m)
    {
        if (_state.Find(m.WatcherJobId) is not { Status: JobStatus.Scheduled } job || !job.WaitingFor.Contains(m.JobId)) return;
        IJobEvent e = m.Status == JobStatus.Completed
            ? new JobDependencyMet(job.Id, m.JobId, Now)
            : new JobCancelled(job.Id, FailureKind.Dependency,
                m.Status is { } s ? $"dependency {m.JobId} ended {JobRules.Status(s)}" : $"dependency {m.JobId} does not exist", Now);
        PersistEvents([e]);
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
