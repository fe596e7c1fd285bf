using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Jobs.Actors.Schedules;

namespace Jobs.Node.Api.Schemas;

/// <summary>The body of POST /api/schedules.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ScheduleSubmission
{
    [Description("The schedule's id within the tenant; posting it again replaces the schedule.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,128}$")]
    public required string Id { get; init; }

    [Description("5 fields (minute hour day month weekday) or 6 with seconds first.")]
    public required string Cron { get; init; }

    [Description("An IANA time zone the cron is read in (default UTC); DST gaps fire at the jump, repeated hours once.")]
    public string? TimeZone { get; init; }

    [Description("The job each tick submits, as in POST /api/jobs, without runAt, idempotencyKey and dependsOn.")]
    public required JobSubmission Job { get; init; }

    [Description("After missed ticks: skip (default: the latest only), once (the latest only, its job flagged misfired) or all (the latest maxCatchUp).")]
    [RegularExpression("^(skip|once|all)$")]
    public string? Misfire { get; init; }

    [Description("With misfire all: at most this many missed ticks run (default 10).")]
    [Range(1, ScheduleRules.MaxCatchUpLimit)]
    public int? MaxCatchUp { get; init; }

    [Description("Each tick's job starts up to this many milliseconds after the tick, the same delay for the same tick on every node (default 0).")]
    [Range(0, ScheduleRules.MaxJitterMs)]
    public int? JitterMs { get; init; }
}

/// <summary>A schedule: its definition, where its ticks are, and the node that fires them.</summary>
public sealed record ScheduleSummary(
    string Id, string Tenant, string Cron, string TimeZone, JobSubmission Job, bool Paused,
    DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt, string? LastJobId, string Misfire, int MaxCatchUp, int JitterMs, string Node);

/// <summary>The tenant's schedules, by id.</summary>
/// <summary>GET /api/schedules; truncated: an admin's list of every tenant's schedules held more than 10,000.</summary>
public sealed record ScheduleSummaryList(IReadOnlyList<ScheduleSummary> Items, bool Truncated);
