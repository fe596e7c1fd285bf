namespace Jobs.Messages;

// Queue switches: whether a queue is paused, cluster state kept by one event-sourced entity (the
// switch board) and followed by every node's gate. Cross the network: each has a manifest.

/// <summary>Stop starting the queue's jobs on every node (they are still accepted); answered with <see cref="QueueSwitches"/>.</summary>
public sealed record PauseQueue(string Queue) : IJobsMessage;

/// <summary>Start the queue's jobs again; answered with <see cref="QueueSwitches"/>.</summary>
public sealed record ResumeQueue(string Queue) : IJobsMessage;

/// <summary>The switch board's state; answered with <see cref="QueueSwitches"/>.</summary>
public sealed record GetQueueSwitches : IJobsMessage
{
    public static readonly GetQueueSwitches Instance = new();
}

/// <summary>To a node's feed: answer with <see cref="QueueSwitches"/> once your gate holds <see cref="Version"/> or newer.</summary>
public sealed record ConfirmQueueSwitches(long Version) : IJobsMessage;

/// <summary>The paused queues; <see cref="Version"/> grows with every change (the board's journal sequence number).</summary>
public sealed record QueueSwitches(IReadOnlyList<string> Paused, long Version) : IJobsMessage
{
    public static readonly QueueSwitches Initial = new([], 0);
}

/// <summary>Journaled by the switch board.</summary>
public sealed record QueuePaused(string Queue, DateTimeOffset At) : IJobsMessage;

/// <summary>Journaled by the switch board.</summary>
public sealed record QueueResumed(string Queue, DateTimeOffset At) : IJobsMessage;

public static class QueueSwitchesTopic
{
    /// <summary>The DistributedPubSub topic the board publishes every change on.</summary>
    public const string Name = "queue-switches";
}
