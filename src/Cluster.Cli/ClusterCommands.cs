using System.Text.Json;

namespace Jobs.Cli;

/// <summary>cluster …, actor hierarchy, nodes.</summary>
public static class ClusterCommands
{
    public static async Task<int> RunAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        var sub = words.FirstOrDefault() ?? throw new UsageException("usage: jobctl cluster show|leader|unreachable|leave|down|down-unreachable|sharding");
        var rest = words.Skip(1).ToArray();
        args.EnsureAllRead();
        switch (sub)
        {
            case "show":
            {
                Jobctl.Expect(rest, "cluster show", 0);
                var c = await node.GetAsync("/api/cluster", ct);
                if (o.Json) { o.JsonValue(c); return Jobctl.Ok; }
                var members = c.Items("members").ToList();
                o.Table(["address", "roles", "status", "reachable", "version"],
                    members.Select(m => (IReadOnlyList<string>)[m.Str("address"), m.Str("roles"), m.Str("status"), m.Str("reachable"), m.Str("appVersion")]));
                o.Line($"{members.Count} member(s); leader {c.Str("leader")}");
                return Jobctl.Ok;
            }
            case "leader":
            {
                Jobctl.Expect(rest, "cluster leader", 0);
                var c = await node.GetAsync("/api/cluster", ct);
                if (o.Json) o.JsonValue(c.Prop("leader"));
                else o.Line(c.Str("leader") is { Length: > 0 } l ? l : "no leader");
                return Jobctl.Ok;
            }
            case "unreachable":
            {
                Jobctl.Expect(rest, "cluster unreachable", 0);
                var c = await node.GetAsync("/api/cluster", ct);
                if (o.Json) { o.JsonValue(c.Prop("unreachable")); return Jobctl.Ok; }
                var list = c.Items("unreachable").Select(u => u.GetString()!).ToList();
                if (list.Count == 0) o.Line("no unreachable members");
                foreach (var u in list) o.Line(u);
                return Jobctl.Ok;
            }
            case "leave":
            {
                var address = Jobctl.Expect(rest, "cluster leave <address>", 1)[0];
                Print(o, await node.PostAsync("/api/cluster/leave", new { address }, ct), r => $"{r.Str("address")} is leaving");
                return Jobctl.Ok;
            }
            case "down":
            {
                var address = Jobctl.Expect(rest, "cluster down <address>", 1)[0];
                Print(o, await node.PostAsync("/api/cluster/down", new { address }, ct), r => $"{r.Str("address")} marked down");
                return Jobctl.Ok;
            }
            case "down-unreachable":
            {
                Jobctl.Expect(rest, "cluster down-unreachable", 0);
                var r = await node.PostAsync("/api/cluster/down-unreachable", null, ct);
                var downed = r.Items("downed").Select(d => d.GetString()!).ToList();
                Print(o, r, _ => downed.Count == 0 ? "no unreachable members" : string.Join(Environment.NewLine, downed.Select(d => $"{d} marked down")));
                return Jobctl.Ok;
            }
            case "sharding":
                return await ShardingAsync(node, rest, o, ct);
            default:
                throw new UsageException($"unknown command 'cluster {sub}'; try jobctl --help");
        }
    }

    private static async Task<int> ShardingAsync(NodeClient node, string[] words, Output o, CancellationToken ct)
    {
        switch (words.FirstOrDefault())
        {
            case "regions":
            {
                Jobctl.Expect(words, "cluster sharding regions", 1);
                var s = await node.GetAsync("/api/cluster/sharding", ct);
                if (o.Json) { o.JsonValue(s); return Jobctl.Ok; }
                foreach (var r in s.Items("regions")) o.Line(r.Str("entityType"));
                return Jobctl.Ok;
            }
            case "region-stats":
            {
                var region = Jobctl.Expect(words, "cluster sharding region-stats <region>", 2)[1];
                var s = await node.GetAsync("/api/cluster/sharding?region=" + Uri.EscapeDataString(region), ct);
                if (o.Json) { o.JsonValue(s); return Jobctl.Ok; }
                var nodes = s.Items("regions").SelectMany(r => r.Items("nodes")).ToList();
                o.Table(["address", "shards", "entities"], nodes.Select(n => (IReadOnlyList<string>)[n.Str("address"), n.Str("shards"), n.Str("entities")]));
                o.Line($"{nodes.Sum(n => n.Prop("shards").GetInt32())} shard(s) on {nodes.Count} node(s)");
                return Jobctl.Ok;
            }
            default:
                throw new UsageException("usage: jobctl cluster sharding regions | region-stats <region>");
        }
    }

    public static async Task<int> ActorAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        if (words is not ["hierarchy"]) throw new UsageException("usage: jobctl actor hierarchy [--depth N]");
        var depth = args.IntOption("--depth", 1, 10) ?? 3;
        args.EnsureAllRead();
        var tree = await node.GetAsync($"/api/actors?depth={depth}", ct);
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

    public static async Task<int> NodesAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        Jobctl.Expect(words, "nodes", 0);
        args.EnsureAllRead();
        var r = await node.GetAsync("/api/nodes", ct);
        if (o.Json) { o.JsonValue(r); return Jobctl.Ok; }
        var nodes = r.Items("nodes").ToList();
        o.Table(["address", "status", "running", "capacity", "processed", "failed", "retried", "dlq", "memory MiB", "uptime s", "heartbeat"],
            nodes.Select(n => (IReadOnlyList<string>)[
                n.Str("address"), n.Str("status") + (n.Prop("degraded").ValueKind == JsonValueKind.True ? " (degraded)" : ""),
                n.Str("runningJobs"), n.Str("capacity"), n.Str("processed"), n.Str("failed"), n.Str("retried"), n.Str("deadLettered"),
                (n.Prop("memoryBytes").GetInt64() >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
                n.Str("uptimeSeconds"), n.Prop("stale").ValueKind == JsonValueKind.True ? "STALE" : "ok"]));
        o.Line($"{nodes.Count} node(s), {nodes.Count(n => n.Prop("stale").ValueKind == JsonValueKind.True)} stale");
        return Jobctl.Ok;
    }

    private static void Print(Output o, JsonElement result, Func<JsonElement, string> text)
    {
        if (o.Json) o.JsonValue(result);
        else o.Line(text(result));
    }
}
