namespace Jobs.Cli;

/// <summary>batches show &lt;id&gt;: counts and a progress bar.</summary>
public static class BatchCommands
{
    public static async Task<int> RunAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        if (words is not ["show", var id]) throw new UsageException("usage: jobctl batches show <id>");
        args.EnsureAllRead();
        var b = await node.GetAsync("/api/batches/" + Uri.EscapeDataString(id), ct);
        if (o.Json) { o.JsonValue(b); return Jobctl.Ok; }
        long N(string name) => b.Prop(name).ValueKind == System.Text.Json.JsonValueKind.Number ? b.Prop(name).GetInt64() : 0;
        var total = N("total");
        var done = N("completed") + N("failed") + N("cancelled");
        o.Line($"batch {b.Str("id")} ({b.Str("status")}, coordinator {b.Str("node")})");
        o.Line($"{Output.Bar(total == 0 ? 1 : done / (double)total)} {done}/{total}");
        o.Table(["pending", "running", "completed", "failed", "cancelled"],
            [[N("pending").ToString(), N("running").ToString(), N("completed").ToString(), N("failed").ToString(), N("cancelled").ToString()]]);
        return Jobctl.Ok;
    }
}
