using System.ComponentModel;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>cluster sharding regions | region-stats &lt;region&gt;.</summary>
public sealed class ShardingRegionsCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var s = await node.GetJsonAsync("/api/cluster/sharding", ct);
        if (o.Json) { o.JsonValue(s); return Jobctl.Ok; }
        foreach (var r in s.Items("regions")) o.Line(r.Str("entityType"));
        return Jobctl.Ok;
    }
}

public sealed class RegionSettings : GlobalSettings
{
    [CommandArgument(0, "<region>")]
    [Description("A shard region's entity type, as cluster sharding regions prints it")]
    public string Region { get; set; } = "";
}

public sealed class ShardingRegionStatsCommand(CliSession session) : NodeCommand<RegionSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, RegionSettings settings, Output o, CancellationToken ct)
    {
        var s = await node.GetJsonAsync("/api/cluster/sharding?region=" + Uri.EscapeDataString(settings.Region), ct);
        if (o.Json) { o.JsonValue(s); return Jobctl.Ok; }
        var nodes = s.Items("regions").SelectMany(r => r.Items("nodes")).ToList();
        o.Table(["address", Column.Number("shards"), Column.Number("entities")],
            nodes.Select(n => (IReadOnlyList<string>)[n.Str("address"), n.Str("shards"), n.Str("entities")]));
        o.Line($"{nodes.Sum(n => n.Prop("shards").GetInt32())} shard(s) on {nodes.Count} node(s)");
        return Jobctl.Ok;
    }
}
