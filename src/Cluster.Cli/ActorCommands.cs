using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>actor hierarchy [--depth N]: the node's actor tree.</summary>
public sealed class HierarchySettings : GlobalSettings
{
    [CommandOption("--depth <N>")]
    [Description("Levels to show, /user and /system being the first, 1..10")]
    [DefaultValue("3")]
    public string Depth { get; set; } = "3";

    public override ValidationResult Validate() => WholeNumber.Check("--depth", Depth, 1, 10);
}

public sealed class ActorHierarchyCommand(CliSession session) : NodeCommand<HierarchySettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, HierarchySettings settings, Output o, CancellationToken ct)
    {
        var tree = await node.GetJsonAsync($"/api/actors?depth={WholeNumber.Of(settings.Depth)}", ct);
        if (o.Json) { o.JsonValue(tree); return Jobctl.Ok; }
        o.Line(tree.Str("address"));
        foreach (var root in tree.Items("actors")) PrintTree(o, root, "");
        return Jobctl.Ok;
    }

    private static void PrintTree(Output o, JsonElement actor, string indent)
    {
        o.Line($"{indent}{actor.Str("path")}");
        foreach (var child in actor.Items("children")) PrintTree(o, child, indent + "  ");
        if (actor.Prop("more") is { ValueKind: JsonValueKind.Number } more) o.Line($"{indent}  … and {more.GetInt32()} more");
    }
}
