using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Jobs.Messages;

namespace Jobs.Actors.Schedules;

/// <summary>
/// One schedule group: a sharded, event-sourced entity (persistence id <c>schedules-&lt;n&gt;</c>) holding the schedules
/// of the tenants whose group it is (<see cref="ScheduleKeys.GroupOf"/>), kept alive on some node by a keeper like the
/// partitions. It keeps one timer for its earliest tick. A due tick's job is submitted under an id derived from
/// (tenant, schedule, fire time), and <see cref="ScheduleTicked"/> is journaled only once the partition has
/// acknowledged the job durable: a tick fired again after a crash or a hand-off names the same job, which the
/// partition recognises, so each tick runs once. The rules are <see cref="ScheduleGroupState"/> and <see cref="ScheduleRules"/>.
/// </summary>
public sealed class ScheduleGroup : ReceivePersistentActor, IWithTimers
{
    public const string RegionName = "schedules";

    /// <summary>A tick whose submission failed (a partition busy or moving) is fired again after this long.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The timer never waits longer than this at once; it re-arms (a far tick, the scheduler's range).</summary>
    public static readonly TimeSpan MaxTimerDelay = TimeSpan.FromHours(1);

    /// <summary>Events between snapshots.</summary>
    public const int SnapshotEvery = 200;

    /// <summary>Stores the jobs under the given ids; fails unless every one is durable (new or already known).</summary>
    public delegate Task SubmitJobs(IReadOnlyList<(JobSpec Spec, string JobId)> jobs, CancellationToken ct);

    private sealed record Tick;
    private sealed record Fired(string Tenant, string ScheduleId, IReadOnlyList<DateTimeOffset> Ticks, string LastJobId);
    private sealed record FireFailed(string Tenant, string ScheduleId, string Reason);

    private readonly SubmitJobs _submit;
    private readonly string _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _retryAt = new(StringComparer.Ordinal);
    private ScheduleGroupState _state = ScheduleGroupState.Empty;

    public ScheduleGroup(int group, SubmitJobs submit, string node)
    {
        _node = node;
        PersistenceId = "schedules-" + group.ToString(CultureInfo.InvariantCulture);
        _submit = submit;

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is ScheduleGroupSnapshot s) _state = ScheduleGroupState.From(s);
        });
        Recover<ScheduleDefined>(e => _state = _state.Apply(e));
        Recover<SchedulePaused>(e => _state = _state.Apply(e));
        Recover<ScheduleResumed>(e => _state = _state.Apply(e));
        Recover<ScheduleRemoved>(e => _state = _state.Apply(e));
        Recover<ScheduleTicked>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => Arm());

        Command<PutSchedule>(OnPut);
        Command<GetSchedule>(q => Sender.Tell(_state.Find(q.Tenant, q.ScheduleId) is { } s ? new ScheduleFound(View(s)) : new ScheduleNotFound(q.ScheduleId)));
        Command<ListSchedules>(q => Sender.Tell(new ScheduleList(_state.OfTenant(q.Tenant).Select(View).ToArray())));
        Command<ListGroupSchedules>(_ => Sender.Tell(new ScheduleList(_state.Schedules.Values.Select(View).ToArray())));
        Command<PauseSchedule>(c => Change(c.Tenant, c.ScheduleId, _state.DecidePause(c.Tenant, c.ScheduleId, Now)));
        Command<ResumeSchedule>(c => Change(c.Tenant, c.ScheduleId, _state.DecideResume(c.Tenant, c.ScheduleId, Now)));
        Command<DeleteSchedule>(c =>
        {
            if (_state.Find(c.Tenant, c.ScheduleId) is not { } s)
            {
                Sender.Tell(new ScheduleNotFound(c.ScheduleId));
                return;
            }
            var view = View(s);
            PersistThen(new ScheduleRemoved(c.Tenant, c.ScheduleId, Now), () => Sender.Tell(new ScheduleFound(view)));
        });
        Command<Tick>(_ => FireDue());
        Command<Fired>(OnFired);
        Command<FireFailed>(f =>
        {
            var key = ScheduleKeys.For(f.Tenant, f.ScheduleId);
            _inFlight.Remove(key);
            _retryAt[key] = Now + RetryDelay;
            _log.Warning("schedule {0} of tenant {1}: tick not stored ({2}); firing it again in {3}", f.ScheduleId, f.Tenant, f.Reason, RetryDelay);
            Arm();
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("schedule group snapshot failed: {0}", f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int group, SubmitJobs submit, string node) => Akka.Actor.Props.Create(() => new ScheduleGroup(group, submit, node));

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private ScheduleView View(ScheduleEntry s) => ScheduleGroupState.View(s, _node);

    private void OnPut(PutSchedule put)
    {
        var (e, refusal) = _state.DecidePut(put, Now);
        if (refusal is not null)
        {
            Sender.Tell(new ScheduleRefused(put.ScheduleId, refusal));
            return;
        }
        var created = _state.Find(put.Tenant, put.ScheduleId) is null;
        if (e is null)
        {
            Sender.Tell(new ScheduleSaved(View(_state.Find(put.Tenant, put.ScheduleId)!), Created: false));
            return;
        }
        var sender = Sender;
        PersistThen(e, () => sender.Tell(new ScheduleSaved(View(_state.Find(put.Tenant, put.ScheduleId)!), created)));
    }

    private void Change(string tenant, string id, object? e)
    {
        if (_state.Find(tenant, id) is null)
        {
            Sender.Tell(new ScheduleNotFound(id));
            return;
        }
        var sender = Sender;
        if (e is null) sender.Tell(new ScheduleFound(View(_state.Find(tenant, id)!)));
        else PersistThen(e, () => sender.Tell(new ScheduleFound(View(_state.Find(tenant, id)!))));
    }

    /// <summary>Journals one event, applies it, runs <paramref name="then"/>, re-arms the timer and snapshots when due.</summary>
    private void PersistThen(object e, Action then)
    {
        Persist(e, persisted =>
        {
            _state = _state.Apply(persisted);
            then();
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state.ToSnapshot());
            Arm();
        });
    }

    /// <summary>Submits the jobs of every due tick whose schedule has no submission under way.</summary>
    private void FireDue()
    {
        var now = Now;
        foreach (var (key, s) in _state.Schedules)
        {
            if (_inFlight.Contains(key) || (_retryAt.TryGetValue(key, out var retry) && retry > now)) continue;
            if (ScheduleRules.Due(s, now) is not { } plan) continue;
            _retryAt.Remove(key);
            _inFlight.Add(key);
            var jobs = plan.Ticks.Select(t => ScheduleRules.JobFor(s, t, plan.Misfired)).ToArray();
            var (tenant, id) = (s.Tenant, s.Id);
            _submit(jobs, CancellationToken.None).PipeTo(Self,
                success: () => new Fired(tenant, id, plan.Ticks, jobs[^1].JobId),
                failure: ex => new FireFailed(tenant, id, ex.GetBaseException().Message));
        }
        Arm();
    }

    private void OnFired(Fired f)
    {
        _inFlight.Remove(ScheduleKeys.For(f.Tenant, f.ScheduleId));
        // Deleted meanwhile: its jobs are stored, there is nothing left to advance.
        if (_state.Find(f.Tenant, f.ScheduleId) is null)
        {
            Arm();
            return;
        }
        PersistThen(new ScheduleTicked(f.Tenant, f.ScheduleId, f.Ticks, f.LastJobId, Now), () => { });
    }

    /// <summary>One timer for the earliest tick (or retry) of a schedule that has no submission under way.</summary>
    private void Arm()
    {
        DateTimeOffset? earliest = null;
        foreach (var (key, s) in _state.Schedules)
        {
            if (_inFlight.Contains(key) || ScheduleRules.NextRunAt(s) is not { } next) continue;
            if (_retryAt.TryGetValue(key, out var retry) && retry > next) next = retry;
            if (earliest is null || next < earliest) earliest = next;
        }
        if (earliest is null)
        {
            Timers.Cancel("tick");
            return;
        }
        var delay = earliest.Value - Now;
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (delay > MaxTimerDelay) delay = MaxTimerDelay;
        Timers.StartSingleTimer("tick", new Tick(), delay);
    }
}

/// <summary>Entity = schedule group = shard, like the partitions: a shard move is a group move.</summary>
public sealed class ScheduleGroupExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message switch
    {
        IWithScheduleGroup m => ScheduleKeys.GroupOf(m.Tenant).ToString(CultureInfo.InvariantCulture),
        ListGroupSchedules g => g.Group.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public object EntityMessage(object message) => message;

    public string ShardId(object message) =>
        EntityId(message) ?? throw new ArgumentException($"{message.GetType()} has no schedule group");

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}

/// <summary>Key of the schedule groups' shard region in Akka.Hosting's ActorRegistry.</summary>
public sealed class ScheduleRegion;
