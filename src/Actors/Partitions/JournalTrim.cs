using Akka.Actor;

namespace Jobs.Actors.Partitions;

/// <summary>
/// Deletes a partition's journal below its latest snapshot once the read model has read it
/// (docs/architecture.md, "Retention"): after a snapshot at <c>s</c>, asks how far the projection
/// has read this persistence id and deletes up to <c>min(s, projected)</c>, at most
/// <see cref="MaxRowsPerDelete"/> sequence numbers per call. Never deletes a row the projection
/// has not read. Driven by its partition's messages; not thread-safe.
/// </summary>
public sealed class JournalTrim
{
    /// <summary>Sequence numbers (journal rows) one deletion covers at most: a batch the database's vacuum keeps up with.</summary>
    public const long MaxRowsPerDelete = 10_000;

    /// <summary>While the projection has not read up to the snapshot, how long before asking again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The projection has read this partition up to <see cref="SequenceNr"/> (-1: the read model did not answer).</summary>
    public sealed record Projected(long SequenceNr);

    /// <summary>Time to ask the projection again.</summary>
    public sealed record Retry;

    private readonly Func<Task<long>>? _projected;
    private readonly Action<long> _delete;
    private readonly IActorRef _self;
    private readonly Func<ITimerScheduler> _timers;
    private long _snapshotAt;
    private long _deleting;
    private bool _asking;

    /// <param name="projected">how far the projection has read this partition; null: never delete (no read model).</param>
    /// <param name="delete">the partition's <c>DeleteMessages</c>.</param>
    /// <param name="timers">the partition's timers (set by Akka after the actor is constructed).</param>
    public JournalTrim(Func<Task<long>>? projected, Action<long> delete, IActorRef self, Func<ITimerScheduler> timers)
    {
        _projected = projected;
        _delete = delete;
        _self = self;
        _timers = timers;
    }

    /// <summary>Everything up to here is deleted (a lower bound after recovery).</summary>
    public long DeletedTo { get; private set; }

    /// <summary>From the snapshot recovery started with: the journal was deleted at least this far.</summary>
    public void Recovered(long deletedTo) => DeletedTo = Math.Max(DeletedTo, deletedTo);

    public void SnapshotSaved(long sequenceNr)
    {
        _snapshotAt = Math.Max(_snapshotAt, sequenceNr);
        Ask();
    }

    public void OnProjected(Projected p)
    {
        _asking = false;
        var target = Math.Min(_snapshotAt, p.SequenceNr);
        if (target > DeletedTo && _deleting == 0)
        {
            _deleting = Math.Min(target, DeletedTo + MaxRowsPerDelete);
            _delete(_deleting);
        }
        else if (p.SequenceNr < _snapshotAt) _timers().StartSingleTimer("journal-trim", new Retry(), RetryAfter);
    }

    public void OnRetry() => Ask();

    public void OnDeleted(long toSequenceNr)
    {
        DeletedTo = Math.Max(DeletedTo, toSequenceNr);
        _deleting = 0;
        if (DeletedTo < _snapshotAt) Ask();
    }

    public void OnDeleteFailed()
    {
        _deleting = 0;
        _timers().StartSingleTimer("journal-trim", new Retry(), RetryAfter);
    }

    private void Ask()
    {
        if (_projected is null || _asking || _deleting != 0 || DeletedTo >= _snapshotAt) return;
        _asking = true;
        _projected().PipeTo(_self, success: p => new Projected(p), failure: _ => new Projected(-1));
    }
}
