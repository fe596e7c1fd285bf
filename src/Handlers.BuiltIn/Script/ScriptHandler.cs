using System.Text;
using System.Text.Json;
using Jobs.Sandbox.Protocol;

namespace Jobs.Handlers.BuiltIn.Script;

/// <summary>
/// <c>script</c>: JavaScript run in a sandbox worker process (<see cref="SandboxPool"/>), never in
/// the node's own process, with no CLR, file, module or network access, and limits on time,
/// memory, recursion and output enforced by the interpreter and, past it, by killing the worker.
/// A syntax error is permanent, a thrown error transient, running past the time limit a timeout,
/// a worker that dies or exceeds its memory <c>crashed</c> (permanent). Result:
/// <c>{"stdout", "stderr", "value"}</c>.
/// </summary>
public sealed class ScriptHandler(SandboxPool pool) : IJobHandler, IValidatesPayload
{
    public sealed record Payload(string Code, int? TimeoutMs);

    private SandboxSettings Limits => pool.Settings;

    public string? ValidatePayload(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p)
            return "payload must be an object {\"code\": string, \"timeoutMs\"?: int}";
        if (!p.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
            return "payload.code must be a string";
        if (code.GetString()!.Length > Limits.MaxCodeChars)
            return $"payload.code is longer than {Limits.MaxCodeChars} characters";
        if (p.TryGetProperty("timeoutMs", out var t) && t.ValueKind != JsonValueKind.Null &&
            (t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out var ms) || ms < 1 || ms > Limits.MaxTimeoutMs))
            return $"payload.timeoutMs must be an integer 1..{Limits.MaxTimeoutMs}";
        return null;
    }

    public async Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.GetPayload<Payload>();
        if (payload.Code is null) throw new PermanentJobException("payload.code must be a string");
        var timeoutMs = Math.Min(payload.TimeoutMs ?? Limits.DefaultTimeoutMs, Limits.MaxTimeoutMs);
        timeoutMs = (int)Math.Min(timeoutMs, Math.Max(1, context.Timeout.TotalMilliseconds));
        var run = new RunScript(context.JobId, context.Attempt, payload.Code, timeoutMs, context.MaxResultBytes, Limits.MaxOutputChars);
        var outcome = await pool.RunAsync(run, p => context.ReportProgress(p.Percent, p.Message), cancellationToken);
        return outcome switch
        {
            SandboxOutcome.Answered { Message: ScriptDone done } => Result(done),
            SandboxOutcome.Answered { Message: ScriptFailed failed } => throw Failure(failed),
            SandboxOutcome.KilledAtTimeLimit => throw new JobTimeoutException($"script ran past its time limit of {timeoutMs} ms; its sandbox was stopped"),
            SandboxOutcome.KilledOverMemory m => throw new CrashedJobException(
                $"script used {m.RssBytes >> 20} MiB, more than its sandbox's {Limits.RssLimitBytes >> 20} MiB; the sandbox was stopped"),
            SandboxOutcome.Died d => throw new CrashedJobException($"the script's sandbox process died ({d.Reason})"),
            SandboxOutcome.BrokeProtocol b => throw new CrashedJobException($"the script's sandbox broke the protocol ({b.Detail}); it was stopped"),
            _ => throw new InvalidOperationException($"unknown sandbox outcome {outcome.GetType().Name}"),
        };
    }

    private static RawJson Result(ScriptDone done)
    {
        var result = new StringBuilder();
        result.Append("{\"stdout\":").Append(JsonSerializer.Serialize(done.Stdout))
            .Append(",\"stderr\":").Append(JsonSerializer.Serialize(done.Stderr))
            .Append(",\"value\":").Append(done.ValueJson ?? "null");
        if (done.Truncated) result.Append(",\"truncated\":true");
        result.Append('}');
        return new RawJson(result.ToString());
    }

    private static Exception Failure(ScriptFailed f)
    {
        var stderr = f.Stderr is { Length: > 0 } err ? $" (stderr: {Tail(err)})" : "";
        return f.Kind switch
        {
            FailureKinds.Syntax => new PermanentJobException(f.Message),
            FailureKinds.Thrown => new TransientJobException(f.Message + stderr),
            FailureKinds.Timeout => new JobTimeoutException(f.Message + stderr),
            FailureKinds.Memory => new CrashedJobException(f.Message),
            _ => new PermanentJobException(f.Message + stderr),
        };
    }

    private static string Tail(string s) => s.Length <= 500 ? s.TrimEnd() : "…" + s[^500..].TrimEnd();
}
