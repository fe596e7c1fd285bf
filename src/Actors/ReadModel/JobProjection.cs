using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Jobs.Actors.Persistence;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// Feeds the read model: events tagged <c>job</c>, from the stored offset, in groups applied in
/// one transaction each (rows + offset), so a restart neither duplicates nor misses rows.
/// Restarts its stream with backoff when the database or the query fails.
/// </summary>
public sealed class JobProjection : ReceiveActor
{
    public const string Name = "jobs-read-model";

    private readonly IJobReadStore _store;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private UniqueKillSwitch? _killSwitch;

    public JobProjection(IJobReadStore store)
    {
        _store = store;
        ReceiveAny(_ => { });
    }

    public static Props Props(IJobReadStore store) => Akka.Actor.Props.Create(() => new JobProjection(store));

    protected override void PreStart()
    {
        var readJournal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var store = _store;
        var log = _log;
        var source = RestartSource.OnFailuresWithBackoff(
            () => Source.FromTask(store.GetOffsetAsync(Name))
                .ConcatMany(offset => readJournal.EventsByTag(JobEventTagger.Tag, Offset.Sequence(offset)))
                .Where(env => env.Event is IJobEvent)
                .Select(env => (((Sequence)env.Offset).Value, (IJobEvent)env.Event))
                .GroupedWithin(1000, TimeSpan.FromMilliseconds(20))
                .SelectAsync(1, async batch =>
                {
                    try
                    {
                        await store.ApplyAsync(Name, batch.ToArray());
                    }
                    catch (Exception e)
                    {
                        log.Warning("read-model projection failed, restarting from the stored offset: {0}", e.Message);
                        throw;
                    }
                    return NotUsed.Instance;
                }),
            RestartSettings.Create(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2));
        _killSwitch = source
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(Context.Materializer());
    }

    protected override void PostStop() => _killSwitch?.Shutdown();
}
