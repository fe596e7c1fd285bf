using System.Runtime.CompilerServices;
using System.Text.Json;
using Spectre.Console;

namespace Jobs.Cli;

/// <summary>
/// jobs tail &lt;id&gt;: follows the job's event stream until it ends, then exits by its outcome. Each event
/// is a line; progress is a live Spectre progress bar on a terminal that can redraw, and a line with a
/// text bar otherwise (a pipe, a file, a test). With --json, the events' JSON, one per line.
/// </summary>
public sealed class JobsTailCommand(CliSession session) : NodeCommand<JobIdSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, JobIdSettings settings, Output o, CancellationToken ct)
    {
        var id = settings.Id;
        if (o.Live) await FollowLiveAsync(Events(node, id, ct), id, o);
        else await FollowAsync(Events(node, id, ct), o);
        return JobText.Finish(o, await node.GetJsonAsync("/api/jobs/" + Uri.EscapeDataString(id), ct), quiet: true);
    }

    private static async Task FollowAsync(IAsyncEnumerable<Event> events, Output o)
    {
        await foreach (var e in events)
        {
            if (o.Json) o.Line(e.Json);
            else if (e.Progress is { } p) o.Line($"{e.Data.Str("at")} progress {Output.Bar(p.Percent / 100)} {p.Stage} {p.Message}".TrimEnd());
            else o.Line(e.Text);
        }
    }

    /// <summary>One bar for the job (pulsing until it reports progress), the other events printed above it.</summary>
    private static Task FollowLiveAsync(IAsyncEnumerable<Event> events, string id, Output o) =>
        o.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var job = ctx.AddTask(Markup.Escape($"job {id}"));
                job.IsIndeterminate = true;
                await foreach (var e in events)
                {
                    if (e.Progress is { } p)
                    {
                        job.IsIndeterminate = false;
                        job.Value = Math.Clamp(p.Percent, 0, 100);
                        job.Description = Markup.Escape($"{p.Stage} {p.Message}".Trim() is { Length: > 0 } text ? text : $"job {id}");
                        continue;
                    }
                    o.Console.WriteLine(e.Text);
                    if (e.Name == "completed")
                    {
                        job.IsIndeterminate = false;
                        job.Value = job.MaxValue;
                    }
                }
                job.StopTask();
            });

    /// <summary>The job's events, each with its name and its data as the node sent it.</summary>
    private static async IAsyncEnumerable<Event> Events(JobsClient node, string id, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in node.WatchAsync(id, ct)) yield return new Event(e.Event, e.Json);
    }

    private sealed class Event(string? name, string json)
    {
        public string? Name => name;
        public string Json => json;
        public JsonElement Data { get; } = JsonDocument.Parse(json).RootElement;

        /// <summary>A progress report: its percent (0 if none), stage and message.</summary>
        public (double Percent, string Stage, string Message)? Progress =>
            name == "progress" && Data.Prop("progress") is { ValueKind: JsonValueKind.Object } p
                ? (p.Prop("percent").ValueKind == JsonValueKind.Number ? p.Prop("percent").GetDouble() : 0, p.Str("stage"), p.Str("message"))
                : null;

        /// <summary>"at event #attempt node detail".</summary>
        public string Text => $"{Data.Str("at")} {name}{(Data.Str("attempt") is { Length: > 0 } a ? " #" + a : "")} {Data.Str("node")} {Data.Str("detail")}".TrimEnd();
    }
}
