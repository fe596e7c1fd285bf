namespace Jobs.Messages;

/// <summary>What a schedule does after ticks were missed (its group was down or moving): never more than a bounded catch-up.</summary>
public enum MisfirePolicy
{
    /// <summary>Run only the latest missed tick.</summary>
    Skip,
    /// <summary>Run only the latest missed tick, its job flagged <see cref="JobSpec.Misfired"/>.</summary>
    Once,
    /// <summary>Run the latest missed ticks, at most <see cref="ScheduleSpec.MaxCatchUp"/>.</summary>
    All,
}

/// <summary>A recurring job as the client defined it, validated. <see cref="Job"/> is the job each tick submits.</summary>
public sealed record ScheduleSpec
{
    public required string Cron { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public required JobSpec Job { get; init; }
    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.Skip;
    public int MaxCatchUp { get; init; } = 10;
    public int JitterMs { get; init; }
}

/// <summary>
/// Schedules are identified by (tenant, id): each tenant has its own ids. All of one tenant's schedules live in one
/// schedule group (a sharded, event-sourced entity), so a tenant's cap and its list are answered by one entity.
/// </summary>
public static class ScheduleKeys
{
    /// <summary>Schedule groups in a cluster: fixed for the life of the cluster, like the partition count.</summary>
    public const int Groups = 32;

    /// <summary><c>&lt;tenant&gt;:&lt;id&gt;</c>; a tenant name has no <c>:</c>, so keys of different tenants never meet.</summary>
    public static string For(string tenant, string scheduleId) => tenant + ":" + scheduleId;

    public static int GroupOf(string tenant) => JobIds.PartitionOf(tenant, Groups);
}

/// <summary>Routed by sharding to the tenant's schedule group.</summary>
public interface IWithScheduleGroup : IJobsMessage
{
    string Tenant { get; }
}

/// <summary>Create or replace a schedule. Answered with <see cref="ScheduleSaved"/> or <see cref="ScheduleRefused"/>.</summary>
public sealed record PutSchedule(string Tenant, string ScheduleId, ScheduleSpec Spec, int MaxPerTenant) : IWithScheduleGroup;

/// <summary>Answered with <see cref="ScheduleFound"/> or <see cref="ScheduleNotFound"/>.</summary>
public sealed record GetSchedule(string Tenant, string ScheduleId) : IWithScheduleGroup;

/// <summary>Answered with <see cref="ScheduleList"/>: the tenant's schedules, ordered by id.</summary>
public sealed record ListSchedules(string Tenant) : IWithScheduleGroup;

/// <summary>Every tenant's schedules in one group (an admin's list without a tenant); answered with <see cref="ScheduleList"/>.</summary>
public sealed record ListGroupSchedules(int Group) : IJobsMessage;

/// <summary>Answered with <see cref="ScheduleFound"/> or <see cref="ScheduleNotFound"/>.</summary>
public sealed record PauseSchedule(string Tenant, string ScheduleId) : IWithScheduleGroup;

/// <summary>Answered with <see cref="ScheduleFound"/> or <see cref="ScheduleNotFound"/>.</summary>
public sealed record ResumeSchedule(string Tenant, string ScheduleId) : IWithScheduleGroup;

/// <summary>Answered with <see cref="ScheduleFound"/> (the schedule as it was) or <see cref="ScheduleNotFound"/>.</summary>
public sealed record DeleteSchedule(string Tenant, string ScheduleId) : IWithScheduleGroup;

/// <summary>The schedule as the API shows it; <see cref="Node"/> hosts its group (<c>host:port</c>) and fires its ticks.</summary>
public sealed record ScheduleView(
    string Id, string Tenant, ScheduleSpec Spec, bool Paused, DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt, string? LastJobId, string Node) : IJobsMessage;

/// <param name="Created">a new schedule (201) rather than one already there (200).</param>
public sealed record ScheduleSaved(ScheduleView View, bool Created) : IJobsMessage;

public sealed record ScheduleFound(ScheduleView View) : IJobsMessage;

public sealed record ScheduleNotFound(string ScheduleId) : IJobsMessage;

public sealed record ScheduleList(IReadOnlyList<ScheduleView> Items) : IJobsMessage;

/// <summary>Nothing was stored: the tenant has as many schedules as it may have.</summary>
public sealed record ScheduleRefused(string ScheduleId, string Reason) : IJobsMessage;

/// <summary>Journaled: a schedule created, or replaced by a different definition; ticks count from <see cref="At"/>.</summary>
public sealed record ScheduleDefined(string Tenant, string ScheduleId, ScheduleSpec Spec, DateTimeOffset At) : IJobsMessage;

public sealed record SchedulePaused(string Tenant, string ScheduleId, DateTimeOffset At) : IJobsMessage;

/// <summary>Journaled: ticks count again from <see cref="At"/> (those of the pause are not missed, they were not wanted).</summary>
public sealed record ScheduleResumed(string Tenant, string ScheduleId, DateTimeOffset At) : IJobsMessage;

public sealed record ScheduleRemoved(string Tenant, string ScheduleId, DateTimeOffset At) : IJobsMessage;

/// <summary>
/// Journaled once the jobs of these ticks are durable in their partitions: the ticks are done and never fire again.
/// <see cref="FiredFor"/> is in time order; <see cref="LastJobId"/> is the job of its last tick.
/// </summary>
public sealed record ScheduleTicked(string Tenant, string ScheduleId, IReadOnlyList<DateTimeOffset> FiredFor, string LastJobId, DateTimeOffset At) : IJobsMessage;

/// <summary>One schedule inside its group's state; also the unit of the group's snapshot (add optional members only).</summary>
public sealed record ScheduleEntry
{
    public required string Tenant { get; init; }
    public required string Id { get; init; }
    public required ScheduleSpec Spec { get; init; }
    public bool Paused { get; init; }
    /// <summary>Ticks at or before this time are not due: the definition's (or the resume's) time, or the last fired tick.</summary>
    public DateTimeOffset After { get; init; }
    public DateTimeOffset? LastRunAt { get; init; }
    public string? LastJobId { get; init; }
}

/// <summary>A schedule group's durable state at a sequence number.</summary>
public sealed record ScheduleGroupSnapshot(IReadOnlyList<ScheduleEntry> Schedules) : IJobsMessage;
