using System.Text;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// <c>script</c>: runs JavaScript in Jint with no CLR, file, module or network access, and limits
/// on time, memory, recursion and output. A syntax error is permanent, a thrown error transient,
/// running past the time limit a timeout. Result: <c>{"stdout", "stderr", "value"}</c>.
/// </summary>
public sealed class ScriptHandler(ScriptLimits limits) : IJobHandler, IValidatesPayload
{
    public sealed record Payload(string Code, int? TimeoutMs);

    public string? ValidatePayload(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p)
            return "payload must be an object {\"code\": string, \"timeoutMs\"?: int}";
        if (!p.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
            return "payload.code must be a string";
        if (code.GetString()!.Length > limits.MaxCodeChars)
            return $"payload.code is longer than {limits.MaxCodeChars} characters";
        if (p.TryGetProperty("timeoutMs", out var t) && t.ValueKind != JsonValueKind.Null &&
            (t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out var ms) || ms < 1 || ms > limits.MaxTimeout.TotalMilliseconds))
            return $"payload.timeoutMs must be an integer 1..{(long)limits.MaxTimeout.TotalMilliseconds}";
        return null;
    }

    public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.GetPayload<Payload>();
        if (payload.Code is null) throw new PermanentJobException("payload.code must be a string");
        var timeout = payload.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : limits.DefaultTimeout;
        if (timeout > context.Timeout) timeout = context.Timeout;
        if (timeout > limits.MaxTimeout) timeout = limits.MaxTimeout;
        // Jint is synchronous: give it a thread of its own rather than a pool thread.
        return Task.Factory.StartNew(
            () => Run(payload.Code, timeout, context, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private object? Run(string code, TimeSpan timeout, JobContext context, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var stdout = new BoundedWriter(limits.MaxOutputChars);
        var stderr = new BoundedWriter(limits.MaxOutputChars);
        using var engine = new Engine(o => o
            .LimitMemory(limits.MemoryBytes)
            .LimitRecursion(limits.RecursionDepth)
            .TimeoutInterval(timeout)
            .CancellationToken(ct)
            .MaxArraySize(1_000_000));

        engine.SetValue("__out", new Action<int, string>((stream, line) => (stream == 0 ? stdout : stderr).WriteLine(line)));
        engine.SetValue("__progress", new Action<JsValue, JsValue>((p, m) =>
            context.ReportProgress(p.IsNumber() ? p.AsNumber() : null, m.IsString() ? m.AsString() : null)));
        engine.SetValue("__sleep", new Action<JsValue>(v =>
        {
            var wanted = v.IsNumber() ? TimeSpan.FromMilliseconds(Math.Max(0, v.AsNumber())) : TimeSpan.Zero;
            var left = deadline - DateTime.UtcNow;
            ct.WaitHandle.WaitOne(wanted < left ? wanted : left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }));
        engine.Execute(
            "(function(out, prog, slp, id, attempt) {" +
            "  const fmt = v => typeof v === 'string' ? v : (v === undefined ? 'undefined' : (() => { try { return JSON.stringify(v); } catch (e) { return String(v); } })());" +
            "  const write = s => (...a) => out(s, a.map(fmt).join(' '));" +
            "  globalThis.console = Object.freeze({ log: write(0), info: write(0), warn: write(1), error: write(1) });" +
            "  globalThis.progress = (p, m) => prog(p, m);" +
            "  globalThis.sleep = ms => slp(ms);" +
            "  globalThis.job = Object.freeze({ id: id, attempt: attempt });" +
            "})(__out, __progress, __sleep, " + JsonSerializer.Serialize(context.JobId) + ", " + context.Attempt + ");" +
            "delete globalThis.__out; delete globalThis.__progress; delete globalThis.__sleep;");

        JsValue value;
        try
        {
            value = engine.Evaluate(code);
        }
        catch (Exception e)
        {
            throw Classify(e, stderr, ct);
        }

        string? valueJson;
        try
        {
            engine.SetValue("__v", value);
            var s = engine.Evaluate("JSON.stringify(__v)");
            valueJson = s.IsString() ? s.AsString() : null;
        }
        catch (Exception e)
        {
            throw Classify(e, stderr, ct);
        }

        var result = new StringBuilder();
        result.Append("{\"stdout\":").Append(JsonSerializer.Serialize(stdout.ToString()))
            .Append(",\"stderr\":").Append(JsonSerializer.Serialize(stderr.ToString()))
            .Append(",\"value\":").Append(valueJson ?? "null");
        if (stdout.Truncated || stderr.Truncated) result.Append(",\"truncated\":true");
        result.Append('}');
        return new RawJson(result.ToString());
    }

    private static Exception Classify(Exception e, BoundedWriter stderr, CancellationToken ct)
    {
        var output = stderr.ToString() is { Length: > 0 } err ? $" (stderr: {Tail(err)})" : "";
        return e switch
        {
            ExecutionCanceledException or OperationCanceledException when ct.IsCancellationRequested => new OperationCanceledException(ct),
            TimeoutException => new JobTimeoutException("script ran past its time limit" + output, e),
            JavaScriptException js when js.Error.IsObject() && js.Error.AsObject().Get("name").ToString() == "SyntaxError" =>
                new PermanentJobException("SyntaxError: " + js.Message, e),
            JavaScriptException js => new TransientJobException("script threw: " + js.Message + output, e),
            MemoryLimitExceededException => new PermanentJobException("script exceeded its memory limit", e),
            RecursionDepthOverflowException => new PermanentJobException("script exceeded the recursion limit", e),
            _ when e.GetType().Name.Contains("Parse", StringComparison.Ordinal) || e.GetType().Name.Contains("Syntax", StringComparison.Ordinal) =>
                new PermanentJobException("SyntaxError: " + e.Message, e),
            _ => new PermanentJobException($"script failed: {e.GetType().Name}: {e.Message}", e),
        };
    }

    private static string Tail(string s) => s.Length <= 500 ? s.TrimEnd() : "…" + s[^500..].TrimEnd();

    /// <summary>Captures console output up to a size; the rest is dropped and flagged.</summary>
    private sealed class BoundedWriter(int max)
    {
        private readonly StringBuilder _sb = new();
        public bool Truncated { get; private set; }

        public void WriteLine(string line)
        {
            lock (_sb)
            {
                if (Truncated) return;
                if (_sb.Length + line.Length + 1 > max)
                {
                    _sb.Append(line.AsSpan(0, Math.Max(0, max - _sb.Length)));
                    Truncated = true;
                    return;
                }
                _sb.Append(line).Append('\n');
            }
        }

        public override string ToString()
        {
            lock (_sb) return _sb.ToString();
        }
    }
}
