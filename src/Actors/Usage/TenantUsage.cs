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
/// </summary>
public sealed class TenantUsage : ReceivePersistentActor
{
    public const string RegionName = "usage";

    /// <summary>A tenant-day idle this long passivates (it recovers from its journal when asked again).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    private UsageState _state = UsageState.Empty;

    public override string PersistenceId { get; }

    public TenantUsage(string entityId)
    {
        PersistenceId = PersistenceIdOf(entityId);
        Recover<UsageJobsCounted>(e => _state = _state.Apply(e));
        Recover<UsageJobsReleased>(e => _state = _state.Apply(e));
        Recover<UsageTokensCounted>(e => _state = _state.Apply(e));

        Command<ReserveJobs>(r =>
        {
            if (_state.Decide(r.Jobs, r.Limits) is { } over)
            {
                Sender.Tell(over);
                return;
            }
            Persist(new UsageJobsCounted(r.Jobs), e =>
            {
                _state = _state.Apply(e);
                Sender.Tell(new UsageReserved(_state.Jobs));
            });
        });
        Command<ReleaseJobs>(r => Persist(new UsageJobsReleased(r.Jobs), e => _state = _state.Apply(e)));
        Command<RecordTokens>(t =>
        {
            if (_state.CountedJobs.Contains(t.JobId)) return;
            Persist(new UsageTokensCounted(t.JobId, t.PromptTokens, t.CompletionTokens, t.CostUsd), e => _state = _state.Apply(e));
        });
        Command<GetUsage>(g => Sender.Tell(new UsageView(g.Tenant, g.Day, _state.Jobs, _state.PromptTokens, _state.CompletionTokens, _state.CostUsd)));
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        Context.SetReceiveTimeout(IdleTimeout);
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
