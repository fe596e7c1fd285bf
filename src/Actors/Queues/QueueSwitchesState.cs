using System.Collections.Immutable;
using Jobs.Messages;

namespace Jobs.Actors.Queues;

/// <summary>The paused queues and the version of that set (the board's journal sequence number). Immutable; pure.</summary>
public sealed record QueueSwitchesState(ImmutableSortedSet<string> Paused, long Version)
{
    public static readonly QueueSwitchesState Empty = new(ImmutableSortedSet.Create<string>(StringComparer.Ordinal), 0);

    /// <summary>The event a pause or resume needs, or null when the queue is already in that state (nothing is journaled).</summary>
    public object? Decide(object command, DateTimeOffset now) => command switch
    {
        PauseQueue p when !Paused.Contains(p.Queue) => new QueuePaused(p.Queue, now),
        ResumeQueue r when Paused.Contains(r.Queue) => new QueueResumed(r.Queue, now),
        _ => null,
    };

    /// <summary>The state after the event journaled at <paramref name="sequenceNr"/>.</summary>
    public QueueSwitchesState Apply(object e, long sequenceNr) => e switch
    {
        QueuePaused p => new(Paused.Add(p.Queue), sequenceNr),
        QueueResumed r => new(Paused.Remove(r.Queue), sequenceNr),
        _ => this,
    };

    public QueueSwitches ToMessage() => new(Paused.ToArray(), Version);
}
