using System.Diagnostics;
using Jobs.Actors.Settings;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// A partition's side of its journal. It holds the two states of the partition and turns decided
/// events into journal writes by group commit (docs/architecture.md, "Group commit"):
/// <list type="bullet">
/// <item><see cref="State"/>, the working state: every decided event is applied at once, so the
/// next command sees it.</item>
/// <item><see cref="Durable"/>: only events the journal confirmed; what snapshots save. It is the
/// working state as it was when the last confirmed write was sent (a write carries everything
/// queued, so that state holds exactly its events): no event is applied twice.</item>
/// <item>One write in flight at a time; events decided meanwhile queue and go out together, packed
/// into rows by <see cref="GroupCommit.Rows"/>, when it is confirmed.</item>
/// </list>
/// Side effects wait for durability: each event is handed to <c>onDurable</c> in order once its
/// row is confirmed, and a callback given to <see cref="Persist"/> runs once all of its events are.
/// </summary>
public sealed class PartitionJournal
{
    /// <summary>What the journal needs of its persistent actor (Akka's protected Eventsourced methods).</summary>
    public interface IWriter
    {
        /// <summary>PersistAllAsync: <paramref name="onRow"/> runs once per row, in order, as each is confirmed.</summary>
        void PersistRows(IEnumerable<object> rows, Action<object> onRow);

        /// <summary>DeferAsync: runs after every write sent so far is confirmed.</summary>
        void Defer(Action callback);

        void SaveSnapshot(PartitionSnapshot snapshot);
    }

    /// <summary>An event waiting for the journal, with its job's record before and after it.</summary>
    private readonly record struct Queued(IJobEvent Event, JobRecord? Before, JobRecord? After);

    private readonly IWriter? _writer;
    private readonly RetentionPeriods _retention;
    private readonly StringPool _strings;
    private readonly int _snapshotEvery;
    private readonly Action<IJobEvent, JobRecord?, JobRecord>? _onDurable;
    private readonly Action? _afterRow;
    private readonly Action<TimeSpan>? _writeLatency;
    private readonly List<Queued> _queued = [];
    /// <summary>Callbacks to run once the first <c>After</c> queued events are durable.</summary>
    private readonly List<(int After, Action Callback)> _callbacks = [];
    private int _rowsInFlight;
    private long _eventsSinceSnapshot;

    /// <param name="writer">null: recovery only (tests and benchmarks that rebuild a state).</param>
    /// <param name="onDurable">each event with its job's record before and after it, in order, once durable.</param>
    /// <param name="afterRow">after every confirmed row (a draining partition checks whether it may stop).</param>
    /// <param name="writeLatency">call → confirmation of each write's first row.</param>
    /// <param name="retention">how long ended jobs are kept (<see cref="PartitionState.Retention"/>); null: the defaults.</param>
    public PartitionJournal(IWriter? writer, StringPool strings, int snapshotEvery,
        Action<IJobEvent, JobRecord?, JobRecord>? onDurable = null, Action? afterRow = null, Action<TimeSpan>? writeLatency = null,
        RetentionPeriods? retention = null)
    {
        _retention = retention ?? RetentionPeriods.Default;
        State = PartitionState.Empty with { Retention = _retention };
        _writer = writer;
        _strings = strings;
        _snapshotEvery = snapshotEvery;
        _onDurable = onDurable;
        _afterRow = afterRow;
        _writeLatency = writeLatency;
    }

    public PartitionState State { get; private set; }
    public PartitionState Durable { get; private set; } = PartitionState.Empty;
    /// <summary>Events decided but not yet confirmed by the journal (queued or in flight).</summary>
    public int EventsInFlight { get; private set; }
    /// <summary>Sequence number of the snapshot recovery started from (0: none).</summary>
    public long RecoveredFromSnapshotAt { get; private set; }
    public long EventsReplayed { get; private set; }

    /// <param name="takenAt">when the snapshot was saved (its metadata's timestamp).</param>
    public void RecoverSnapshot(PartitionSnapshot snapshot, long sequenceNr, DateTimeOffset? takenAt = null)
    {
        State = PartitionState.FromSnapshot(snapshot, _retention, takenAt);
        RecoveredFromSnapshotAt = sequenceNr;
    }

    /// <summary>A journal row at recovery: one event, or a group commit's batch (applied as one run).</summary>
    public void RecoverRow(object row)
    {
        switch (row)
        {
            case IJobEvent e:
                State = State.Apply(_strings.Share(e)).State;
                EventsReplayed++;
                break;
            case JobEventBatch b:
                State = State.ApplyAll(b.Events.Select(_strings.Share).ToArray()).State;
                EventsReplayed += b.Events.Count;
                break;
        }
    }

    public void RecoveryCompleted() => Durable = State;

    /// <summary>Being due is a function of time, not an event: the durable state catches up with the next write.</summary>
    public void PromoteDue(DateTimeOffset now) => State = State.PromoteDue(now);

    /// <summary>
    /// Applies the events to the working state and queues them: with no write in flight they go out
    /// now, otherwise with everything else queued once the current write is confirmed.
    /// </summary>
    /// <returns>Each event's job before and after it.</returns>
    public IReadOnlyList<(JobRecord? Before, JobRecord? After)> Persist(IReadOnlyList<IJobEvent> events, Action? onDurable = null)
    {
        if (events.Count == 0)
        {
            if (onDurable is not null) WhenDurable(onDurable);
            return [];
        }
        var shared = events.Select(_strings.Share).ToArray();
        var (state, changes) = State.ApplyAll(shared);
        State = state;
        for (var i = 0; i < shared.Length; i++) _queued.Add(new Queued(shared[i], changes[i].Before, changes[i].After));
        EventsInFlight += shared.Length;
        if (onDurable is not null) _callbacks.Add((_queued.Count, onDurable));
        if (_rowsInFlight == 0) Flush();
        return changes;
    }

    /// <summary>Runs <paramref name="callback"/> once every event decided so far is durable.</summary>
    public void WhenDurable(Action callback)
    {
        if (_queued.Count > 0) _callbacks.Add((_queued.Count, callback));
        else Writer.Defer(callback);
    }

    private IWriter Writer => _writer ?? throw new InvalidOperationException("this journal only recovers");

    /// <summary>Writes everything queued: one row per <see cref="GroupCommit.Rows"/> entry, all in one journal write.</summary>
    private void Flush()
    {
        if (_queued.Count == 0) return;
        var queued = _queued.ToArray();
        var callbacks = _callbacks.ToArray();
        _queued.Clear();
        _callbacks.Clear();
        var rows = GroupCommit.Rows(queued.Select(q => q.Event).ToArray());
        var durableWhenWritten = State; // holds exactly the events of this write on top of the previous one
        _rowsInFlight += rows.Count;
        var written = Stopwatch.StartNew();
        var durable = 0;
        var nextCallback = 0;
        var rowIndex = 0;
        Writer.PersistRows(rows.Select(r => r.Row), _ =>
        {
            if (rowIndex == 0) _writeLatency?.Invoke(written.Elapsed);
            var count = rows[rowIndex++].Count;
            var last = rowIndex == rows.Count;
            // callbacks may read the durable state (a retried submission asks whether its job is durable)
            if (last) Durable = durableWhenWritten;
            for (var i = 0; i < count; i++)
            {
                EventsInFlight--;
                var q = queued[durable++];
                if (q.After is not null) _onDurable?.Invoke(q.Event, q.Before, q.After);
                while (nextCallback < callbacks.Length && callbacks[nextCallback].After <= durable)
                    callbacks[nextCallback++].Callback();
            }
            _rowsInFlight--;
            _afterRow?.Invoke();
            _eventsSinceSnapshot += count;
            // only after the write's last row: the sequence number is then the durable state's
            if (last && SnapshotPolicy.IsDue(_eventsSinceSnapshot, Durable.Jobs.Count, _snapshotEvery))
            {
                _eventsSinceSnapshot = 0;
                Writer.SaveSnapshot(Durable.ToSnapshot());
            }
            if (_rowsInFlight == 0) Flush();
        });
    }
}
