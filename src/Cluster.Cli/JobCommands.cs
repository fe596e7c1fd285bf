using System.Text.Json;

namespace Jobs.Cli;

/// <summary>jobs submit | show | list | cancel | wait | tail.</summary>
public static class JobCommands
{
    private static readonly string[] Terminal = ["completed", "failed", "cancelled"];

    public static async Task<int> RunAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        var sub = words.FirstOrDefault() ?? throw new UsageException("usage: jobctl jobs submit|show|list|cancel|wait|tail");
        var rest = words.Skip(1).ToArray();
        switch (sub)
        {
            case "submit":
                return await SubmitAsync(node, args, rest, o, ct);
            case "show":
            {
                var id = Jobctl.Expect(rest, "jobs show <id>", 1)[0];
                args.EnsureAllRead();
                var job = await node.GetAsync("/api/jobs/" + Uri.EscapeDataString(id), ct);
                if (o.Json) o.JsonValue(job);
                else Describe(o, job);
                return Jobctl.Ok;
            }
            case "list":
            {
                Jobctl.Expect(rest, "jobs list [--status S] [--type T] [--queue Q] [--batch ID] [--limit N]", 0);
                var query = new List<string>();
                foreach (var (opt, param) in new[] { ("--status", "status"), ("--type", "type"), ("--queue", "queue"), ("--batch", "batchId"), ("--tenant", "tenant") })
                    if (args.Option(opt) is { } v) query.Add($"{param}={Uri.EscapeDataString(v)}");
                query.Add($"limit={args.IntOption("--limit", 1, 1000) ?? 20}");
                args.EnsureAllRead();
                var page = await node.GetAsync("/api/jobs?" + string.Join("&", query), ct);
                if (o.Json) { o.JsonValue(page); return Jobctl.Ok; }
                var items = page.Items("items").ToList();
                o.Table(["id", "type", "queue", "status", "attempts", "created"],
                    items.Select(j => (IReadOnlyList<string>)[j.Str("id"), j.Str("type"), j.Str("queue"), j.Str("status"), j.Str("attempts"), j.Str("createdAt")]));
                o.Line($"{items.Count} job(s){(page.Str("nextCursor") is { Length: > 0 } ? "; more with the API's cursor" : "")}");
                return Jobctl.Ok;
            }
            case "cancel":
            {
                var id = Jobctl.Expect(rest, "jobs cancel <id>", 1)[0];
                args.EnsureAllRead();
                var job = await node.PostAsync($"/api/jobs/{Uri.EscapeDataString(id)}/cancel", null, ct);
                if (o.Json) o.JsonValue(job);
                else o.Line($"{job.Str("id")} {job.Str("status")}");
                return Jobctl.Ok;
            }
            case "wait":
            {
                var id = Jobctl.Expect(rest, "jobs wait <id>", 1)[0];
                args.EnsureAllRead();
                return Finish(o, await WaitAsync(node, id, ct));
            }
            case "tail":
            {
                var id = Jobctl.Expect(rest, "jobs tail <id>", 1)[0];
                args.EnsureAllRead();
                await TailAsync(node, id, o, ct);
                return Finish(o, await node.GetAsync("/api/jobs/" + Uri.EscapeDataString(id), ct), quiet: true);
            }
            default:
                throw new UsageException($"unknown command 'jobs {sub}'; try jobctl --help");
        }
    }

    private static async Task<int> SubmitAsync(NodeClient node, CliArgs args, string[] words, Output o, CancellationToken ct)
    {
        var type = Jobctl.Expect(words, "jobs submit <type> [--payload JSON|@file] [--priority N] [--queue Q] [--wait]", 1)[0];
        var body = new Dictionary<string, object?> { ["type"] = type };
        if (args.Option("--payload") is { } payload)
        {
            if (payload.StartsWith('@'))
            {
                var path = payload[1..];
                if (!File.Exists(path)) throw new UsageException($"--payload file '{path}' does not exist");
                payload = await File.ReadAllTextAsync(path, ct);
            }
            try
            {
                body["payload"] = JsonDocument.Parse(payload).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new UsageException($"--payload is not valid JSON: {e.Message}");
            }
        }
        if (args.IntOption("--priority", -100, 100) is { } priority) body["priority"] = priority;
        if (args.Option("--queue") is { } queue) body["queue"] = queue;
        var wait = args.Flag("--wait");
        args.EnsureAllRead();
        var job = await node.PostAsync("/api/jobs", body, ct);
        if (!wait)
        {
            if (o.Json) o.JsonValue(job);
            else o.Line($"{job.Str("id")} {job.Str("status")}");
            return Jobctl.Ok;
        }
        if (!o.Json) o.Line($"{job.Str("id")} submitted; waiting");
        return Finish(o, await WaitAsync(node, job.Str("id"), ct));
    }

    /// <summary>Polls the job until it is terminal (a dropped SSE connection cannot lose the end this way).</summary>
    internal static async Task<JsonElement> WaitAsync(NodeClient node, string id, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var job = await node.GetAsync("/api/jobs/" + Uri.EscapeDataString(id), ct);
            if (Terminal.Contains(job.Str("status"))) return job;
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 1.5));
        }
    }

    /// <summary>Follows the job's event stream, printing each event and a progress bar, until it ends.</summary>
    private static async Task TailAsync(NodeClient node, string id, Output o, CancellationToken ct)
    {
        await using var stream = await node.StreamAsync($"/api/jobs/{Uri.EscapeDataString(id)}/events", ct);
        using var reader = new StreamReader(stream);
        string? name = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var e = JsonDocument.Parse(line[6..]).RootElement;
                if (o.Json) { o.Writer.WriteLine(line[6..]); continue; }
                if (name == "progress" && e.Prop("progress") is { ValueKind: JsonValueKind.Object } p)
                    o.Line($"{e.Str("at")} progress {Output.Bar((p.Prop("percent").ValueKind == JsonValueKind.Number ? p.Prop("percent").GetDouble() : 0) / 100)} {p.Str("stage")} {p.Str("message")}".TrimEnd());
                else
                    o.Line($"{e.Str("at")} {name}{(e.Str("attempt") is { Length: > 0 } a ? " #" + a : "")} {e.Str("node")} {e.Str("detail")}".TrimEnd());
            }
        }
    }

    private static int Finish(Output o, JsonElement job, bool quiet = false)
    {
        if (!quiet)
        {
            if (o.Json) o.JsonValue(job);
            else Describe(o, job);
        }
        return job.Str("status") == "completed"
            ? Jobctl.Ok
            : throw new CommandFailedException($"job {job.Str("id")} ended {job.Str("status")}: {job.Prop("error").Str("kind")} {job.Prop("error").Str("message")}".TrimEnd());
    }

    private static void Describe(Output o, JsonElement job)
    {
        o.Line($"id:        {job.Str("id")}");
        o.Line($"type:      {job.Str("type")}  queue: {job.Str("queue")}  priority: {job.Str("priority")}");
        o.Line($"status:    {job.Str("status")}  attempts: {job.Str("attempts")}/{job.Str("maxAttempts")}  node: {job.Str("node")}");
        if (job.Prop("result").ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)) o.Line($"result:    {job.Prop("result").GetRawText()}");
        if (job.Prop("error").ValueKind == JsonValueKind.Object) o.Line($"error:     {job.Prop("error").Str("kind")}: {job.Prop("error").Str("message")}");
        foreach (var h in job.Items("history"))
            o.Line($"  {h.Str("at")} {h.Str("event")}{(h.Str("attempt") is { Length: > 0 } a ? " #" + a : "")} {h.Str("detail")}".TrimEnd());
    }
}
