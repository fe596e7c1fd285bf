using System.ComponentModel;
using System.Text.Json;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>cluster show | leader | unreachable | leave &lt;address&gt; | down &lt;address&gt; | down-unreachable.</summary>
public sealed class ClusterShowCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var c = await node.GetJsonAsync("/api/cluster", ct);
        if (o.Json) { o.JsonValue(c); return Jobctl.Ok; }
        var members = c.Items("members").ToList();
        o.Table(["address", "roles", "status", "reachable", "version"],
            members.Select(m => (IReadOnlyList<string>)[m.Str("address"), m.Str("roles"), m.Str("status"), m.Str("reachable"), m.Str("appVersion")]));
        o.Line($"{members.Count} member(s); leader {c.Str("leader")}");
        return Jobctl.Ok;
    }
}

public sealed class ClusterLeaderCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var c = await node.GetJsonAsync("/api/cluster", ct);
        if (o.Json) o.JsonValue(c.Prop("leader"));
        else o.Line(c.Str("leader") is { Length: > 0 } l ? l : "no leader");
        return Jobctl.Ok;
    }
}

public sealed class ClusterUnreachableCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var c = await node.GetJsonAsync("/api/cluster", ct);
        if (o.Json) { o.JsonValue(c.Prop("unreachable")); return Jobctl.Ok; }
        var list = c.Items("unreachable").Select(u => u.GetString()!).ToList();
        if (list.Count == 0) o.Line("no unreachable members");
        foreach (var u in list) o.Line(u);
        return Jobctl.Ok;
    }
}

public sealed class MemberSettings : GlobalSettings
{
    [CommandArgument(0, "<address>")]
    [Description("The member's address, as cluster show prints it (akka.tcp://jobs@host:port)")]
    public string Address { get; set; } = "";
}

public sealed class ClusterLeaveCommand(CliSession session) : NodeCommand<MemberSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, MemberSettings settings, Output o, CancellationToken ct)
    {
        var r = await node.PostJsonAsync("/api/cluster/leave", new { address = settings.Address }, ct);
        if (o.Json) o.JsonValue(r);
        else o.Line($"{r.Str("address")} is leaving");
        return Jobctl.Ok;
    }
}

public sealed class ClusterDownCommand(CliSession session) : NodeCommand<MemberSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, MemberSettings settings, Output o, CancellationToken ct)
    {
        var r = await node.PostJsonAsync("/api/cluster/down", new { address = settings.Address }, ct);
        if (o.Json) o.JsonValue(r);
        else o.Line($"{r.Str("address")} marked down");
        return Jobctl.Ok;
    }
}

public sealed class ClusterDownUnreachableCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var r = await node.PostJsonAsync("/api/cluster/down-unreachable", null, ct);
        if (o.Json) { o.JsonValue(r); return Jobctl.Ok; }
        var downed = r.Items("downed").Select(d => d.GetString()!).ToList();
        if (downed.Count == 0) o.Line("no unreachable members");
        foreach (var d in downed) o.Line($"{d} marked down");
        return Jobctl.Ok;
    }
}
