using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Jobs.Messages;

namespace Jobs.Actors.Usage;

/// <summary>
/// Reads a tenant-day's usage straight from its journal (the events <see cref="TenantUsage"/> wrote),
/// without starting the entity: a query over a range of days costs one journal read per day and
/// leaves nothing running, and a day without usage is simply a day without events. Reservations are
/// journaled before they are answered, so what this reads is what the entity would answer.
/// </summary>
public sealed class UsageReader(ActorSystem system)
{
    private readonly Lazy<SqlReadJournal> _journal = new(() =>
        PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));

    public async Task<UsageView> ReadAsync(string tenant, DateOnly day, CancellationToken ct)
    {
        var state = await _journal.Value.CurrentEventsByPersistenceId(TenantUsage.PersistenceIdOf(tenant, day), 0, long.MaxValue)
            .RunAggregate(UsageState.Empty, (s, e) => s.Apply(e.Event), system.Materializer())
            .WaitAsync(ct);
        return new UsageView(tenant, day, state.Jobs, state.PromptTokens, state.CompletionTokens, state.CostUsd);
    }
}
