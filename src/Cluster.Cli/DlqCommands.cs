namespace Jobs.Cli;

/// <summary>dlq list | requeue &lt;id&gt; | requeue --all | purge &lt;id&gt;.</summary>
public static class DlqCommands
{
    public static async Task<int> RunAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        switch (words.FirstOrDefault())
        {
            case "list":
            {
                Jobctl.Expect(words, "dlq list [--limit N]", 1);
                var limit = args.IntOption("--limit", 1, 1000) ?? 50;
                args.EnsureAllRead();
                var page = await node.GetAsync($"/api/dlq?limit={limit}", ct);
                if (o.Json) { o.JsonValue(page); return Jobctl.Ok; }
                var items = page.Items("items").ToList();
                o.Table(["id", "type", "attempts", "error", "finished"], items.Select(j => (IReadOnlyList<string>)[
                    j.Str("id"), j.Str("type"), j.Str("attempts"), $"{j.Prop("error").Str("kind")}: {j.Prop("error").Str("message")}", j.Str("completedAt")]));
                o.Line($"{items.Count} dead-lettered job(s)");
                return Jobctl.Ok;
            }
            case "requeue" when args.Flag("--all"):
            {
                Jobctl.Expect(words, "dlq requeue --all", 1);
                args.EnsureAllRead();
                var requeued = 0;
                while (true)
                {
                    var page = await node.GetAsync("/api/dlq?limit=500", ct);
                    var ids = page.Items("items").Select(j => j.Str("id")).ToList();
                    var round = 0;
                    foreach (var id in ids)
                    {
                        try
                        {
                            await node.PostAsync($"/api/dlq/{Uri.EscapeDataString(id)}/requeue", null, ct);
                            round++;
                        }
                        catch (ApiFailureException e) when (e.Status == System.Net.HttpStatusCode.Conflict)
                        {
                            // requeued meanwhile (the DLQ view trails the journal by a moment)
                        }
                    }
                    requeued += round;
                    if (round == 0 || ids.Count < 500) break;
                    await Task.Delay(500, ct); // let the DLQ view drop the requeued ones before the next page
                }
                o.Line($"{requeued} job(s) requeued");
                return Jobctl.Ok;
            }
            case "requeue":
            {
                var id = Jobctl.Expect(words, "dlq requeue <id> | --all", 2)[1];
                args.EnsureAllRead();
                var job = await node.PostAsync($"/api/dlq/{Uri.EscapeDataString(id)}/requeue", null, ct);
                if (o.Json) o.JsonValue(job);
                else o.Line($"{job.Str("id")} {job.Str("status")}");
                return Jobctl.Ok;
            }
            case "purge":
            {
                var id = Jobctl.Expect(words, "dlq purge <id>", 2)[1];
                args.EnsureAllRead();
                var r = await node.DeleteAsync($"/api/dlq/{Uri.EscapeDataString(id)}", ct);
                if (o.Json && r.ValueKind != System.Text.Json.JsonValueKind.Undefined) o.JsonValue(r);
                else o.Line($"{id} purged");
                return Jobctl.Ok;
            }
            default:
                throw new UsageException("usage: jobctl dlq list | requeue <id> | requeue --all | purge <id>");
        }
    }
}
