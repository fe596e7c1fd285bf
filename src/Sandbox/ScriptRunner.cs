using System.Text;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Jobs.Sandbox.Protocol;

namespace Jobs.Sandbox;

/// <summary>
/// Runs one script in a fresh Jint engine: no CLR, module or file access (Jint exposes none unless
/// asked, and this engine asks for none), so a script reaches nothing but what is defined here —
/// <c>console</c>, <c>progress</c>, <c>sleep</c> and <c>job</c>. The interpreter's own limits
/// (time, memory between statements, recursion, array size) end most runaway scripts cleanly; what
/// they miss (a native stack overflow, a single huge allocation, a regular expression that never
/// returns) is ended by the node, which watches and kills this process.
/// </summary>
public static class ScriptRunner
{
    public const int RecursionDepth = 256;
    public const int MaxArraySize = 1_000_000;
    public const long MemoryBytesBetweenStatements = 64L * 1024 * 1024;

    public static SandboxMessage Run(RunScript run, Action<double?, string?> progress)
    {
        var timeout = TimeSpan.FromMilliseconds(run.TimeoutMs);
        var deadline = DateTime.UtcNow + timeout;
        var stdout = new BoundedWriter(run.MaxOutputChars);
        var stderr = new BoundedWriter(run.MaxOutputChars);
        try
        {
            using var engine = new Engine(o => o
                .LimitMemory(MemoryBytesBetweenStatements)
                .LimitRecursion(RecursionDepth)
                .TimeoutInterval(timeout)
                .MaxArraySize(MaxArraySize));
            engine.SetValue("__out", new Action<int, string>((stream, line) => (stream == 0 ? stdout : stderr).WriteLine(line)));
            engine.SetValue("__progress", new Action<JsValue, JsValue>((p, m) => progress(p.IsNumber() ? p.AsNumber() : null, m.IsString() ? m.AsString() : null)));
            engine.SetValue("__sleep", new Action<JsValue>(v =>
            {
                var wanted = v.IsNumber() ? TimeSpan.FromMilliseconds(Math.Max(0, v.AsNumber())) : TimeSpan.Zero;
                var left = deadline - DateTime.UtcNow;
                Thread.Sleep(wanted < left ? wanted : left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }));
            engine.Execute(
                "(function(out, prog, slp, id, attempt) {" +
                "  const fmt = v => typeof v === 'string' ? v : (v === undefined ? 'undefined' : (() => { try { return JSON.stringify(v); } catch (e) { return String(v); } })());" +
                "  const write = s => (...a) => out(s, a.map(fmt).join(' '));" +
                "  globalThis.console = Object.freeze({ log: write(0), info: write(0), warn: write(1), error: write(1) });" +
                "  globalThis.progress = (p, m) => prog(p, m);" +
                "  globalThis.sleep = ms => slp(ms);" +
                "  globalThis.job = Object.freeze({ id: id, attempt: attempt });" +
                "})(__out, __progress, __sleep, " + JsonSerializer.Serialize(run.JobId) + ", " + run.Attempt + ");" +
                "delete globalThis.__out; delete globalThis.__progress; delete globalThis.__sleep;");

            var value = engine.Evaluate(run.Code);
            engine.SetValue("__v", value);
            var json = engine.Evaluate("JSON.stringify(__v)");
            var valueJson = json.IsString() ? json.AsString() : null;
            if (valueJson is not null && Encoding.UTF8.GetByteCount(valueJson) is var bytes && bytes > run.MaxResultBytes)
                return new ScriptFailed(FailureKinds.ResultTooLarge, $"the script's value is {bytes} bytes of JSON; the limit is {run.MaxResultBytes}", stderr.ToString());
            return new ScriptDone(stdout.ToString(), stderr.ToString(), stdout.Truncated || stderr.Truncated, valueJson);
        }
        catch (Exception e)
        {
            var (kind, message) = Classify(e);
            return new ScriptFailed(kind, message, stderr.ToString());
        }
    }

    private static (string Kind, string Message) Classify(Exception e) => e switch
    {
        TimeoutException => (FailureKinds.Timeout, "script ran past its time limit"),
        JavaScriptException js when js.Error.IsObject() && js.Error.AsObject().Get("name").ToString() == "SyntaxError" => (FailureKinds.Syntax, "SyntaxError: " + js.Message),
        JavaScriptException js => (FailureKinds.Thrown, "script threw: " + js.Message),
        MemoryLimitExceededException or OutOfMemoryException => (FailureKinds.Memory, "script exceeded its memory limit"),
        RecursionDepthOverflowException or InsufficientExecutionStackException => (FailureKinds.Recursion, "script exceeded the recursion limit"),
        _ when e.GetType().Name.Contains("Parse", StringComparison.Ordinal) || e.GetType().Name.Contains("Syntax", StringComparison.Ordinal) => (FailureKinds.Syntax, "SyntaxError: " + e.Message),
        _ => (FailureKinds.Internal, $"script failed: {e.GetType().Name}: {e.Message}"),
    };
}
