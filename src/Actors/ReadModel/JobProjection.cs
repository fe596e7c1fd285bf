using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// Feeds the read model: rows tagged <c>job</c> (one event, or a group commit's batch), from the
/// stored offset, in groups of whole rows applied in one transaction each (rows + offset), so a
/// restart neither duplicates nor misses rows.
/// Restarts its stream with backoff when the database or the query fails.
/// </summary>
public sealed class JobProjection : ReceiveActor
{
    public const string Name = "jobs-read-model";

    public const int MaxEventsPerGroup = 10_000;
    public const int MaxRowsPerGroup = 2_500;
    /// <summary>How long a group waits for more events when the store is idle: the read model's added lag at low load.</summary>
    public static readonly TimeSpan GroupWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>After a failure (the database, the query) the stream restarts from the stored offset after 0.5 s, backing off to 10 s.</summary>
    public static readonly TimeSpan RestartMinBackoff = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan RestartMaxBackoff = TimeSpan.FromSeconds(10);

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
        var system = Context.System;
        var store = _store;
        var log = _log;
        var source = RestartSource.OnFailuresWithBackoff(
            () => Source.FromTask(StartAsync(system, store, log))
                .ConcatMany(start => start.Journal.EventsByTag(JobEventTagger.Tag, Offset.Sequence(start.Offset)))
                .Select(env => (Offset: ((Sequence)env.Offset).Value, Events: EventsOf(env.Event), env.PersistenceId, env.SequenceNr))
                .Where(row => row.Events.Count > 0)
                // Whole rows per group (a JobEventBatch row's events share its offset). Under load a
                // group fills while the previous one is written (up to MaxEventsPerGroup): a job's
                // accepted, started and completed then mostly land in one group, which writes its row
                // once, as an insert (with groups of 4,000 events it was written 2.25 times per job).
                .GroupedWeightedWithin(MaxEventsPerGroup, MaxRowsPerGroup, GroupWindow, row => row.Events.Count)
                .SelectAsync(1, async rows =>
                {
                    try
                    {
                        // how far each persistence id is read, committed with the offset: its partition may delete up to there
                        var progress = new Dictionary<string, long>(StringComparer.Ordinal);
                        foreach (var row in rows) progress[row.PersistenceId] = Math.Max(progress.GetValueOrDefault(row.PersistenceId), row.SequenceNr);
                        await store.ApplyAsync(Name, rows.SelectMany(row => row.Events.Select(e => (row.Offset, e))).ToArray(), progress);
                    }
                    catch (Exception e)
                    {
                        log.Warning("read-model projection failed, restarting from the stored offset: {0}", e.Message);
                        throw;
                    }
                    return NotUsed.Instance;
                }),
            RestartSettings.Create(RestartMinBackoff, RestartMaxBackoff, 0.2));
        _killSwitch = source
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(Context.Materializer());
    }

    protected override void PostStop() => _killSwitch?.Shutdown();

    /// <summary>
    /// The read journal and the stored offset. Inside the restarted stream, not in PreStart: the
    /// SQL read journal's constructor blocks until the write journal is initialised and throws
    /// after 5 s (a cluster starting on a busy or fresh database). Thrown in PreStart, that
    /// stopped the singleton for good and the read model never moved again; here it is one
    /// failed start, retried with backoff.
    /// </summary>
    private static async Task<(SqlReadJournal Journal, long Offset)> StartAsync(ActorSystem system, IJobReadStore store, ILoggingAdapter log)
    {
        SqlReadJournal journal;
        try
        {
            journal = await Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));
        }
        catch (Exception e)
        {
            log.Warning("read-model projection: the journal is not ready ({0}); retrying", e.GetBaseException().Message);
            throw;
        }
        return (journal, await store.GetOffsetAsync(Name));
    }

    /// <summary>The job events a journal row holds: one, or a group commit's (<see cref="JobEventBatch"/>).</summary>
    public static IReadOnlyList<IJobEvent> EventsOf(object row) => row switch
    {
        IJobEvent e => [e],
        JobEventBatch b => b.Events,
        _ => [],
    };
}
