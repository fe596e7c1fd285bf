using System.ComponentModel;
using System.Net;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>dlq list [--limit N] | requeue &lt;id&gt; | requeue --all | purge &lt;id&gt;.</summary>
public sealed class DlqListSettings : GlobalSettings
{
    [CommandOption("--limit <N>")]
    [Description("At most this many, 1..1000")]
    [DefaultValue("50")]
    public string Limit { get; set; } = "50";

    public override ValidationResult Validate() => WholeNumber.Check("--limit", Limit, 1, 1000);
}

public sealed class DlqListCommand(CliSession session) : NodeCommand<DlqListSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, DlqListSettings settings, Output o, CancellationToken ct)
    {
        var page = await node.GetJsonAsync($"/api/dlq?limit={WholeNumber.Of(settings.Limit)}", ct);
        if (o.Json) { o.JsonValue(page); return Jobctl.Ok; }
        var items = page.Items("items").ToList();
        o.Table(["id", "type", Column.Number("attempts"), "error", "finished"], items.Select(j => (IReadOnlyList<string>)[
            j.Str("id"), j.Str("type"), j.Str("attempts"), $"{j.Prop("error").Str("kind")}: {j.Prop("error").Str("message")}", j.Str("completedAt")]));
        o.Line($"{items.Count} dead-lettered job(s)");
        return Jobctl.Ok;
    }
}

public sealed class RequeueSettings : GlobalSettings
{
    [CommandArgument(0, "[id]")]
    [Description("The dead-lettered job's id")]
    public string? Id { get; set; }

    [CommandOption("--all")]
    [Description("Requeue every dead-lettered job instead")]
    public bool All { get; set; }

    public override ValidationResult Validate() => (Id is null) == All
        ? ValidationResult.Success()
        : ValidationResult.Error(All ? "give an <id> or --all, not both" : "give the <id> of a dead-lettered job, or --all");
}

public sealed class DlqRequeueCommand(CliSession session) : NodeCommand<RequeueSettings>(session)
{
    private const int Page = 500;

    protected override async Task<int> RunAsync(JobsClient node, RequeueSettings settings, Output o, CancellationToken ct)
    {
        if (settings.Id is { } id)
        {
            var job = await node.PostJsonAsync($"/api/dlq/{Uri.EscapeDataString(id)}/requeue", null, ct);
            if (o.Json) o.JsonValue(job);
            else o.Line($"{job.Str("id")} {job.Str("status")}");
            return Jobctl.Ok;
        }
        var requeued = 0;
        while (true)
        {
            var page = await node.GetJsonAsync($"/api/dlq?limit={Page}", ct);
            var ids = page.Items("items").Select(j => j.Str("id")).ToList();
            var round = 0;
            foreach (var each in ids)
            {
                try
                {
                    await node.PostJsonAsync($"/api/dlq/{Uri.EscapeDataString(each)}/requeue", null, ct);
                    round++;
                }
                catch (JobsApiException e) when (e.Status == HttpStatusCode.Conflict)
                {
                    // requeued meanwhile (the DLQ view trails the journal by a moment)
                }
            }
            requeued += round;
            if (round == 0 || ids.Count < Page) break;
            await Task.Delay(500, ct); // let the DLQ view drop the requeued ones before the next page
        }
        o.Line($"{requeued} job(s) requeued");
        return Jobctl.Ok;
    }
}

public sealed class DlqPurgeCommand(CliSession session) : NodeCommand<JobIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, JobIdSettings settings, Output o, CancellationToken ct)
    {
        var r = await node.DeleteJsonAsync($"/api/dlq/{Uri.EscapeDataString(settings.Id)}", ct);
        if (o.Json && r.ValueKind != JsonValueKind.Undefined) o.JsonValue(r);
        else o.Line($"{settings.Id} purged");
        return Jobctl.Ok;
    }
}
