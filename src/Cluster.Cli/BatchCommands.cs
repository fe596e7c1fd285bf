using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>batches show &lt;id&gt;: counts and a progress bar.</summary>
public sealed class BatchIdSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The batch's id")]
    public string Id { get; set; } = "";
}

public sealed class BatchesShowCommand(CliSession session) : NodeCommand<BatchIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, BatchIdSettings settings, Output o, CancellationToken ct)
    {
        var b = await node.GetJsonAsync("/api/batches/" + Uri.EscapeDataString(settings.Id), ct);
        if (o.Json) { o.JsonValue(b); return Jobctl.Ok; }
        long N(string name) => b.Prop(name).ValueKind == JsonValueKind.Number ? b.Prop(name).GetInt64() : 0;
        string S(string name) => N(name).ToString(CultureInfo.InvariantCulture);
        var total = N("total");
        var done = N("completed") + N("failed") + N("cancelled");
        o.Line($"batch {b.Str("id")} ({b.Str("status")}, coordinator {b.Str("node")})");
        o.Line($"{Output.Bar(total == 0 ? 1 : done / (double)total)} {done}/{total}");
        o.Table([Column.Number("pending"), Column.Number("running"), Column.Number("completed"), Column.Number("failed"), Column.Number("cancelled")],
            [[S("pending"), S("running"), S("completed"), S("failed"), S("cancelled")]]);
        return Jobctl.Ok;
    }
}
