using System.ComponentModel;
using System.Text.Json;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>queues list | pause | resume: the cluster's queues (docs/api.md, Queues; admin).</summary>
public sealed class QueueNameSettings : GlobalSettings
{
    [CommandArgument(0, "<queue>")]
    [Description("The queue: default or one of JOBS_QUEUES")]
    public string Queue { get; set; } = "";
}

public sealed class QueuesListCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var list = await node.GetJsonAsync("/api/queues", ct);
        if (o.Json) { o.JsonValue(list); return Jobctl.Ok; }
        o.Table(["queue", "pending", "running", "paused", "partitions"],
            list.Prop("items").EnumerateArray().Select(q => (IReadOnlyList<string>)
                [q.Str("queue"), q.Prop("pending").ToString(), q.Prop("running").ToString(), q.Prop("paused").GetBoolean() ? "yes" : "no", q.Prop("partitions").ToString()]));
        return Jobctl.Ok;
    }
}

public sealed class QueuesPauseCommand(CliSession session) : NodeCommand<QueueNameSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, QueueNameSettings settings, Output o, CancellationToken ct) =>
        QueueText.Print(o, await node.PostJsonAsync($"/api/queues/{Uri.EscapeDataString(settings.Queue)}/pause", null, ct));
}

public sealed class QueuesResumeCommand(CliSession session) : NodeCommand<QueueNameSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, QueueNameSettings settings, Output o, CancellationToken ct) =>
        QueueText.Print(o, await node.PostJsonAsync($"/api/queues/{Uri.EscapeDataString(settings.Queue)}/resume", null, ct));
}

internal static class QueueText
{
    public static int Print(Output o, JsonElement switched)
    {
        if (o.Json) { o.JsonValue(switched); return Jobctl.Ok; }
        o.Line($"queue {switched.Str("queue")}: {(switched.Prop("paused").GetBoolean() ? "paused" : "running")} (version {switched.Prop("version")})");
        var unconfirmed = switched.Prop("unconfirmed").EnumerateArray().Select(a => a.GetString()).ToArray();
        o.Line($"confirmed by {switched.Prop("confirmedBy").GetArrayLength()} node(s)" +
               (unconfirmed.Length == 0 ? "" : $"; not yet by {string.Join(", ", unconfirmed)} (they follow within seconds once reachable)"));
        return Jobctl.Ok;
    }
}
