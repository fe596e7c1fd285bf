using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>jobs submit | show | list | cancel | wait (jobs tail: <see cref="JobsTailCommand"/>).</summary>
public sealed class SubmitSettings : GlobalSettings
{
    [CommandArgument(0, "<type>")]
    [Description("The job type (a handler the nodes know, e.g. script, http, noop)")]
    public string Type { get; set; } = "";

    [CommandOption("--payload <JSON|@file>")]
    [Description("The job's payload: JSON, or @path to a file holding it")]
    public string? Payload { get; set; }

    [CommandOption("--priority <N>")]
    [Description("-100..100; the highest runs first")]
    public string? Priority { get; set; }

    [CommandOption("--queue <Q>")]
    [Description("The queue to submit to")]
    public string? Queue { get; set; }

    [CommandOption("--wait")]
    [Description("Wait until the job ends; exit 1 unless it completed")]
    public bool Wait { get; set; }

    public override ValidationResult Validate()
    {
        if (WholeNumber.Check("--priority", Priority, -100, 100) is { Successful: false } range) return range;
        return JobPayload.Check(Payload);
    }
}

public sealed class JobsSubmitCommand(CliSession session) : NodeCommand<SubmitSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, SubmitSettings settings, Output o, CancellationToken ct)
    {
        var request = new JobRequest(settings.Type)
        {
            Payload = settings.Payload is { } payload ? await JobPayload.ReadAsync(payload, ct) : null,
            Priority = WholeNumber.Of(settings.Priority),
            Queue = settings.Queue,
        };
        var job = (await node.SubmitAsync(request, ct)).Json;
        if (!settings.Wait)
        {
            if (o.Json) o.JsonValue(job);
            else o.Line($"{job.Str("id")} {job.Str("status")}");
            return Jobctl.Ok;
        }
        if (!o.Json) o.Line($"{job.Str("id")} submitted; waiting");
        return JobText.Finish(o, (await node.WaitAsync(job.Str("id"), ct)).Json);
    }
}

public sealed class JobIdSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The job's id")]
    public string Id { get; set; } = "";
}

public sealed class JobsShowCommand(CliSession session) : NodeCommand<JobIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, JobIdSettings settings, Output o, CancellationToken ct)
    {
        var job = await node.GetJsonAsync("/api/jobs/" + Uri.EscapeDataString(settings.Id), ct);
        if (o.Json) o.JsonValue(job);
        else JobText.Describe(o, job);
        return Jobctl.Ok;
    }
}

public sealed class JobsCancelCommand(CliSession session) : NodeCommand<JobIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, JobIdSettings settings, Output o, CancellationToken ct)
    {
        var job = (await node.CancelAsync(settings.Id, ct)).Json;
        if (o.Json) o.JsonValue(job);
        else o.Line($"{job.Str("id")} {job.Str("status")}");
        return Jobctl.Ok;
    }
}

public sealed class JobsWaitCommand(CliSession session) : NodeCommand<JobIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, JobIdSettings settings, Output o, CancellationToken ct) =>
        JobText.Finish(o, (await node.WaitAsync(settings.Id, ct)).Json);
}

public sealed class ListSettings : GlobalSettings
{
    [CommandOption("--status <S>")]
    [Description("Only jobs in this status (pending, running, completed, failed, cancelled…)")]
    public string? Status { get; set; }

    [CommandOption("--type <T>")]
    [Description("Only jobs of this type")]
    public string? Type { get; set; }

    [CommandOption("--queue <Q>")]
    [Description("Only jobs of this queue")]
    public string? Queue { get; set; }

    [CommandOption("--batch <ID>")]
    [Description("Only jobs of this batch")]
    public string? Batch { get; set; }

    [CommandOption("--tenant <TENANT>", IsHidden = true)]
    public string? Tenant { get; set; }

    [CommandOption("--limit <N>")]
    [Description("At most this many, 1..1000")]
    [DefaultValue("20")]
    public string Limit { get; set; } = "20";

    public override ValidationResult Validate() => WholeNumber.Check("--limit", Limit, 1, 1000);
}

public sealed class JobsListCommand(CliSession session) : NodeCommand<ListSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, ListSettings settings, Output o, CancellationToken ct)
    {
        var query = new List<string>();
        foreach (var (value, param) in new[] { (settings.Status, "status"), (settings.Type, "type"), (settings.Queue, "queue"), (settings.Batch, "batchId"), (settings.Tenant, "tenant") })
            if (value is not null) query.Add($"{param}={Uri.EscapeDataString(value)}");
        query.Add($"limit={WholeNumber.Of(settings.Limit)}");
        var page = await node.GetJsonAsync("/api/jobs?" + string.Join("&", query), ct);
        if (o.Json) { o.JsonValue(page); return Jobctl.Ok; }
        var items = page.Items("items").ToList();
        o.Table(["id", "type", "queue", "status", Column.Number("attempts"), "created"],
            items.Select(j => (IReadOnlyList<string>)[j.Str("id"), j.Str("type"), j.Str("queue"), j.Str("status"), j.Str("attempts"), j.Str("createdAt")]));
        o.Line($"{items.Count} job(s){(page.Str("nextCursor") is { Length: > 0 } ? "; more with the API's cursor" : "")}");
        return Jobctl.Ok;
    }
}
