using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Jobs.Messages;

namespace Jobs.Actors.Usage;

/// <summary>
/// Usage of one tenant on one UTC day, event-sourced (durable, one writer cluster-wide thanks to
/// sharding: region <see cref="RegionName"/>). Reservations are journaled before the answer, so
/// a quota holds across nodes and restarts; an llm job's tokens are counted once per job id.
/// <para>
/// Reservations are group-committed: one journal write is in flight at a time, and the
/// reservations that arrive meanwhile are decided at once (against the journaled count plus
/// everything granted and not yet written) and written together as one event when it returns.
/// A tenant-day's submissions are therefore bounded by the journal's latency per batch, not per
/// job, and the quota stays exact: nothing is granted beyond the limit, and nothing is answered
/// before its event is durable.
/// </para>
/// </summary>
public sealed class TenantUsage : ReceivePersistentActor
{
    public const string RegionName = "usage";

    /// <summary>A tenant-day idle this long passivates (it recovers from its journal when asked again).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Jobs one event counts at most (the event holds an int).</summary>
    private const int MaxJobsPerWrite = 1_000_000;

    private UsageState _state = UsageState.Empty;
    private readonly List<(IActorRef ReplyTo, int Jobs)> _granted = [];
    private long _grantedJobs;
    private long _releasingJobs;
    private bool _writing;

    public override string PersistenceId { get; }

    public TenantUsage(string entityId)
    {
        PersistenceId = PersistenceIdOf(entityId);
        Recover<UsageJobsCounted>(e => _state = _state.Apply(e));
        Recover<UsageJobsReleased>(e => _state = _state.Apply(e));
        Recover<UsageTokensCounted>(e => _state = _state.Apply(e));

        Command<ReserveJobs>(r =>
        {
            if (_state.Decide(r.Jobs, r.Limits, _grantedJobs - _releasingJobs) is { } over)
            {
                Sender.Tell(over);
                return;
            }
            _granted.Add((Sender, r.Jobs));
            _grantedJobs += r.Jobs;
            if (!_writing) WriteGranted();
        });
        // A release counts at once: its event is written before any reservation it makes room for.
        Command<ReleaseJobs>(r =>
        {
            _releasingJobs += r.Jobs;
            PersistAsync(new UsageJobsReleased(r.Jobs), e =>
            {
                _state = _state.Apply(e);
                _releasingJobs -= e.Jobs;
            });
        });
        Command<RecordTokens>(t =>
        {
            if (_state.CountedJobs.Contains(t.JobId)) return;
            Persist(new UsageTokensCounted(t.JobId, t.PromptTokens, t.CompletionTokens, t.CostUsd), e => _state = _state.Apply(e));
        });
        Command<GetUsage>(g => Sender.Tell(new UsageView(g.Tenant, g.Day, _state.Jobs, _state.PromptTokens, _state.CompletionTokens, _state.CostUsd)));
        Command<ReceiveTimeout>(_ =>
        {
            if (_granted.Count == 0 && !_writing) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Context.SetReceiveTimeout(IdleTimeout);
    }

    /// <summary>
    /// Journals the granted reservations as one event (the first always, then more while the sum
    /// stays within <see cref="MaxJobsPerWrite"/>), then answers each.
    /// </summary>
    private void WriteGranted()
    {
        var count = 0;
        long jobs = 0;
        do jobs += _granted[count++].Jobs;
        while (count < _granted.Count && jobs + _granted[count].Jobs <= MaxJobsPerWrite);
        var batch = _granted.GetRange(0, count);
        _granted.RemoveRange(0, count);
        _writing = true;
        PersistAsync(new UsageJobsCounted((int)jobs), e =>
        {
            _state = _state.Apply(e);
            _grantedJobs -= e.Jobs;
            foreach (var (replyTo, _) in batch) replyTo.Tell(new UsageReserved(_state.Jobs));
            _writing = false;
            if (_granted.Count > 0) WriteGranted();
        });
    }

    public static Props Props(string entityId) => Akka.Actor.Props.Create(() => new TenantUsage(entityId));

    public static string EntityId(string tenant, DateOnly day) => $"{tenant}|{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    /// <summary><c>usage-tenant-yyyyMMdd</c>: where a tenant-day's events are journaled (read without the entity by <see cref="UsageReader"/>).</summary>
    public static string PersistenceIdOf(string tenant, DateOnly day) => PersistenceIdOf(EntityId(tenant, day));

    private static string PersistenceIdOf(string entityId) => "usage-" + entityId.Replace('|', '-');
}

/// <summary>Routes usage messages by tenant-day.</summary>
public sealed class TenantUsageExtractor : HashCodeMessageExtractor
{
    /// <summary>Shards of the usage region: about ten per node of the largest cluster expected, never changed.</summary>
    public const int Shards = 32;

    public TenantUsageExtractor() : base(Shards) { }

    public override string? EntityId(object message) =>
        message is IWithTenantDay m ? TenantUsage.EntityId(m.Tenant, m.Day) : null;
}
