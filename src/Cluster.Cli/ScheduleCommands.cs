using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>schedules list | show | create | pause | resume | delete: recurring jobs (docs/api.md, Schedules).</summary>
public sealed class ScheduleIdSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The schedule's id")]
    public string Id { get; set; } = "";
}

public sealed class ScheduleCreateSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The schedule's id; creating it again replaces it")]
    public string Id { get; set; } = "";

    [CommandArgument(1, "<cron>")]
    [Description("5 fields (minute hour day month weekday) or 6 with seconds first; quote it")]
    public string Cron { get; set; } = "";

    [CommandArgument(2, "<type>")]
    [Description("The type of each tick's job")]
    public string Type { get; set; } = "";

    [CommandOption("--payload <JSON|@file>")]
    [Description("The job's payload: JSON, or @path to a file holding it")]
    public string? Payload { get; set; }

    [CommandOption("--time-zone <IANA>")]
    [Description("The time zone the cron is read in (default UTC)")]
    public string? TimeZone { get; set; }

    [CommandOption("--misfire <skip|once|all>")]
    [Description("After missed ticks: skip (the latest only), once (the latest, flagged) or all (up to --max-catch-up)")]
    public string? Misfire { get; set; }

    [CommandOption("--max-catch-up <N>")]
    [Description("With --misfire all: at most this many missed ticks run (1..100)")]
    public string? MaxCatchUp { get; set; }

    [CommandOption("--jitter-ms <MS>")]
    [Description("Each tick's job starts up to this many milliseconds late, the same delay per tick")]
    public string? JitterMs { get; set; }

    [CommandOption("--queue <Q>")]
    [Description("The queue of each tick's job")]
    public string? Queue { get; set; }

    public override ValidationResult Validate()
    {
        if (WholeNumber.Check("--max-catch-up", MaxCatchUp, 1, 100) is { Successful: false } catchUp) return catchUp;
        if (WholeNumber.Check("--jitter-ms", JitterMs, 0, 3_600_000) is { Successful: false } jitter) return jitter;
        if (Misfire is not (null or "skip" or "once" or "all")) return ValidationResult.Error("--misfire is one of skip, once, all");
        return JobPayload.Check(Payload);
    }
}

public sealed class SchedulesListCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var list = await node.GetJsonAsync("/api/schedules", ct);
        if (o.Json) { o.JsonValue(list); return Jobctl.Ok; }
        o.Table(["id", "cron", "time zone", "type", "paused", "next run", "last run"],
            list.Prop("items").EnumerateArray().Select(s => (IReadOnlyList<string>)
                [s.Str("id"), s.Str("cron"), s.Str("timeZone"), s.Prop("job").Str("type"), s.Prop("paused").GetBoolean() ? "yes" : "no", s.Str("nextRunAt"), s.Str("lastRunAt")]));
        return Jobctl.Ok;
    }
}

public sealed class SchedulesShowCommand(CliSession session) : NodeCommand<ScheduleIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, ScheduleIdSettings settings, Output o, CancellationToken ct) =>
        ScheduleText.Print(o, await node.GetJsonAsync("/api/schedules/" + Uri.EscapeDataString(settings.Id), ct));
}

public sealed class SchedulesCreateCommand(CliSession session) : NodeCommand<ScheduleCreateSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, ScheduleCreateSettings settings, Output o, CancellationToken ct)
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = settings.Id,
            ["cron"] = settings.Cron,
            ["timeZone"] = settings.TimeZone,
            ["job"] = new Dictionary<string, object?>
            {
                ["type"] = settings.Type,
                ["payload"] = settings.Payload is { } payload ? await JobPayload.ReadAsync(payload, ct) : null,
                ["queue"] = settings.Queue,
            }.Where(kv => kv.Value is not null).ToDictionary(),
            ["misfire"] = settings.Misfire,
            ["maxCatchUp"] = WholeNumber.Of(settings.MaxCatchUp),
            ["jitterMs"] = WholeNumber.Of(settings.JitterMs),
        }.Where(kv => kv.Value is not null).ToDictionary();
        return ScheduleText.Print(o, await node.PostJsonAsync("/api/schedules", body, ct));
    }
}

public sealed class SchedulesPauseCommand(CliSession session) : NodeCommand<ScheduleIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, ScheduleIdSettings settings, Output o, CancellationToken ct) =>
        ScheduleText.Print(o, await node.PostJsonAsync($"/api/schedules/{Uri.EscapeDataString(settings.Id)}/pause", null, ct));
}

public sealed class SchedulesResumeCommand(CliSession session) : NodeCommand<ScheduleIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, ScheduleIdSettings settings, Output o, CancellationToken ct) =>
        ScheduleText.Print(o, await node.PostJsonAsync($"/api/schedules/{Uri.EscapeDataString(settings.Id)}/resume", null, ct));
}

public sealed class SchedulesDeleteCommand(CliSession session) : NodeCommand<ScheduleIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, ScheduleIdSettings settings, Output o, CancellationToken ct)
    {
        var r = await node.DeleteJsonAsync($"/api/schedules/{Uri.EscapeDataString(settings.Id)}", ct);
        if (o.Json && r.ValueKind != JsonValueKind.Undefined) o.JsonValue(r);
        else o.Line($"{settings.Id} deleted");
        return Jobctl.Ok;
    }
}

internal static class ScheduleText
{
    public static int Print(Output o, JsonElement s)
    {
        if (o.Json) { o.JsonValue(s); return Jobctl.Ok; }
        o.Line($"schedule {s.Str("id")} (tenant {s.Str("tenant")}, fired by {s.Str("node")}){(s.Prop("paused").GetBoolean() ? " paused" : "")}");
        o.Line($"cron      {s.Str("cron")} ({s.Str("timeZone")}), misfire {s.Str("misfire")}");
        o.Line($"job       {s.Prop("job").Str("type")} on queue {s.Prop("job").Str("queue")}");
        o.Line($"next run  {s.Str("nextRunAt")}");
        o.Line($"last run  {s.Str("lastRunAt")} {s.Str("lastJobId")}");
        return Jobctl.Ok;
    }
}
