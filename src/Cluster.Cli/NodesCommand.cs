using System.Globalization;
using System.Text.Json;

namespace Jobs.Cli;

/// <summary>nodes: every node's load, counters, memory and heartbeat.</summary>
public sealed class NodesCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var r = await node.GetJsonAsync("/api/nodes", ct);
        if (o.Json) { o.JsonValue(r); return Jobctl.Ok; }
        var nodes = r.Items("nodes").ToList();
        o.Table(["address", "status", Column.Number("running"), Column.Number("capacity"), Column.Number("processed"), Column.Number("failed"),
                Column.Number("retried"), Column.Number("dlq"), Column.Number("memory MiB"), Column.Number("uptime s"), "heartbeat"],
            nodes.Select(n => (IReadOnlyList<string>)[
                n.Str("address"), n.Str("status") + (n.Prop("degraded").ValueKind == JsonValueKind.True ? " (degraded)" : ""),
                n.Str("runningJobs"), n.Str("capacity"), n.Str("processed"), n.Str("failed"), n.Str("retried"), n.Str("deadLettered"),
                (n.Prop("memoryBytes").GetInt64() >> 20).ToString(CultureInfo.InvariantCulture),
                n.Str("uptimeSeconds"), n.Prop("stale").ValueKind == JsonValueKind.True ? "STALE" : "ok"]));
        o.Line($"{nodes.Count} node(s), {nodes.Count(n => n.Prop("stale").ValueKind == JsonValueKind.True)} stale");
        return Jobctl.Ok;
    }
}
