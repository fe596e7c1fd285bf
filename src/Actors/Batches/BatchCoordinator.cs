using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Jobs.Actors.ReadModel;
using Jobs.Messages;

namespace Jobs.Actors.Batches;

/// <summary>
/// One batch, event-sourced (persistence id <c>batch-&lt;key&gt;</c>, the key of <see cref="BatchKeys"/>:
/// the bare id for the default tenant, <c>&lt;tenant&gt;:&lt;id&gt;</c> for another). Lives on the node the
/// consistent-hash router picks for the key; if that node goes, the next submission or query
/// for the batch reaches another node, whose coordinator recovers the batch from the journal.
/// A batch answers only its own tenant: a bare key can hold another tenant's batch (stored under the
/// bare id by a tenant other than the default one), which the default tenant neither sees nor reuses.
/// <list type="number">
/// <item><see cref="SubmitBatch"/>: submits every job under an id derived from (tenant, batch id,
/// index), then journals <see cref="BatchAccepted"/> and answers. Re-posting the batch (or a crash
/// half-way and a re-post) submits the same ids again, which the partitions recognise: no job is
/// duplicated.</item>
/// <item>Counts come from the read model; once every job has ended the coordinator journals
/// <see cref="BatchCompleted"/> and passivates when idle.</item>
/// </list>
/// </summary>
public sealed class BatchCoordinator : ReceivePersistentActor, IWithTimers
{
    /// <summary>Stores every job (spec, id) of the batch; fails if any one could not be stored.</summary>
    /// <summary>How often an unfinished batch counts its jobs in the read model to notice that all have ended.</summary>
    public static readonly TimeSpan CompletionCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>An idle coordinator stops (a later request recovers the batch from its journal).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);

    public delegate Task SubmitAll(IReadOnlyList<(JobSpec Spec, string JobId)> jobs, string batchId, CancellationToken ct);

    private sealed record Submitted(string Tenant, IReadOnlyList<string> JobIds);
    private sealed record SubmitFailed(string Reason);
    private sealed record Counted(IReadOnlyDictionary<JobStatus, int> Counts, IActorRef? ReplyTo, bool Created, bool Read = true);
    private sealed record CheckCompletion;

    private readonly string _key;
    private readonly string _batchId;
    private readonly SubmitAll _submit;
    private readonly IJobReadStore _readStore;
    private readonly string _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiting = [];
    private BatchState _state = BatchState.Empty;
    private bool _submitting;

    public BatchCoordinator(string key, string batchId, SubmitAll submit, IJobReadStore readStore, string node)
    {
        _key = key;
        _batchId = batchId;
        _submit = submit;
        _readStore = readStore;
        _node = node;

        Recover<BatchAccepted>(e => _state = _state.Apply(e));
        Recover<BatchCompleted>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state is { Accepted: true, Completed: false }) Timers.StartPeriodicTimer("check", new CheckCompletion(), CompletionCheckInterval);
        });

        Command<SubmitBatch>(OnSubmit);
        Command<Submitted>(OnSubmitted);
        Command<SubmitFailed>(f =>
        {
            _submitting = false;
            foreach (var w in _waiting) w.Tell(new BatchRejected(_batchId, f.Reason));
            _waiting.Clear();
        });
        Command<GetBatch>(_ =>
        {
            if (!_state.Accepted) Sender.Tell(new BatchNotFound(_batchId));
            else Count(Sender, created: false);
        });
        Command<GetTenantBatch>(q =>
        {
            if (!_state.Accepted || _state.Tenant != q.Tenant) Sender.Tell(new BatchNotFound(_batchId));
            else Count(Sender, created: false);
        });
        Command<CheckCompletion>(_ => Count(null, created: false));
        Command<Counted>(OnCounted);
        Command<DeleteMessagesSuccess>(_ => Context.Stop(Self));
        Command<DeleteMessagesFailure>(f => _log.Warning("batch {0}: deleting its journal failed: {1}", _batchId, f.Cause.Message));
        // Idle: stop (a later query recovers the batch from the journal).
        Command<ReceiveTimeout>(_ => Context.Stop(Self));
        Context.SetReceiveTimeout(IdleTimeout);
    }

    public override string PersistenceId => "batch-" + _key;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string key, string batchId, SubmitAll submit, IJobReadStore readStore, string node) =>
        Akka.Actor.Props.Create(() => new BatchCoordinator(key, batchId, submit, readStore, node));

    private void OnSubmit(SubmitBatch b)
    {
        if (_state.Accepted && _state.Tenant != b.Tenant)
        {
            Sender.Tell(new BatchIdTaken(_batchId, b.Tenant));
            return;
        }
        if (_state.Accepted)
        {
            Count(Sender, created: false); // re-posted: nothing is added
            return;
        }
        _waiting.Add(Sender);
        if (_submitting) return;
        _submitting = true;
        var submit = _submit;
        var batchId = _batchId;
        var ids = BatchJobIds.For(b);
        submit(b.Jobs.Select((spec, i) => (spec, ids[i])).ToArray(), batchId, CancellationToken.None).PipeTo(Self,
            success: () => new Submitted(b.Tenant, ids),
            failure: e => new SubmitFailed($"the batch could not be stored completely ({e.GetBaseException().Message}); post it again: jobs already stored are not duplicated"));
    }

    private void OnSubmitted(Submitted s)
    {
        Persist(new BatchAccepted(_batchId, s.Tenant, s.JobIds, Context.System.Scheduler.Now), e =>
        {
            _state = _state.Apply(e);
            _submitting = false;
            _log.Info("batch {0}: {1} jobs accepted", _batchId, s.JobIds.Count);
            var first = true;
            foreach (var w in _waiting)
            {
                Count(w, created: first);
                first = false;
            }
            _waiting.Clear();
            Timers.StartPeriodicTimer("check", new CheckCompletion(), CompletionCheckInterval);
        });
    }

    private void Count(IActorRef? replyTo, bool created) =>
        _readStore.CountByStatusAsync(_batchId, _state.Tenant ?? BatchKeys.DefaultTenant).PipeTo(Self,
            success: c => new Counted(c, replyTo, created),
            failure: _ => new Counted(new Dictionary<JobStatus, int>(), replyTo, created, Read: false));

    private void OnCounted(Counted c)
    {
        if (c.Read && _state.ExpiredBy(c.Counts))
        {
            // every job of the batch has expired: so has the batch (its journal goes, its id is free again)
            c.ReplyTo?.Tell(new BatchNotFound(_batchId));
            if (!_state.Accepted) return;
            _log.Info("batch {0}: every job expired; forgetting the batch", _batchId);
            _state = BatchState.Empty;
            DeleteMessages(LastSequenceNr);
            return;
        }
        c.ReplyTo?.Tell(_state.View(_batchId, c.Counts, _node, c.Created));
        if (_state.Completed || !BatchState.AllEnded(c.Counts, _state.JobIds.Count)) return;
        Persist(new BatchCompleted(_batchId, Context.System.Scheduler.Now), e =>
        {
            _state = _state.Apply(e);
            Timers.Cancel("check");
            _log.Info("batch {0}: completed", _batchId);
        });
    }
}
