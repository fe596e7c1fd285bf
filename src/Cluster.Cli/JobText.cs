using System.Text.Json;

namespace Jobs.Cli;

/// <summary>A job as text, and the exit code its end gives.</summary>
internal static class JobText
{
    /// <summary>Prints the ended job (unless quiet); exit 0 if it completed, else the failure (exit 1).</summary>
    public static int Finish(Output o, JsonElement job, bool quiet = false)
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

    public static void Describe(Output o, JsonElement job)
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
