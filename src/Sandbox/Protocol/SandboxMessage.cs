using System.Text.Json.Serialization;

namespace Jobs.Sandbox.Protocol;

/// <summary>
/// What the node and a sandbox worker say to each other, one JSON object per frame
/// (<see cref="FrameCodec"/>), told apart by <c>t</c>. The node sends <see cref="RunScript"/>
/// to a worker that said <see cref="WorkerReady"/>; the worker answers with any number of
/// <see cref="ScriptProgress"/> and then one <see cref="ScriptDone"/> or <see cref="ScriptFailed"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "t")]
[JsonDerivedType(typeof(RunScript), "run")]
[JsonDerivedType(typeof(WorkerReady), "ready")]
[JsonDerivedType(typeof(ScriptProgress), "progress")]
[JsonDerivedType(typeof(ScriptDone), "done")]
[JsonDerivedType(typeof(ScriptFailed), "failed")]
public abstract record SandboxMessage;

/// <summary>Node → worker: run this script in a fresh engine.</summary>
/// <param name="TimeoutMs">the script's own time limit (the interpreter's; the node kills the worker a little after it).</param>
/// <param name="MaxResultBytes">a value whose JSON is larger fails the script (kind <see cref="FailureKinds.ResultTooLarge"/>).</param>
/// <param name="MaxOutputChars">console output kept per stream; the rest is dropped and flagged.</param>
public sealed record RunScript(string JobId, int Attempt, string Code, int TimeoutMs, int MaxResultBytes, int MaxOutputChars) : SandboxMessage;

/// <summary>Worker → node, once: started, limits applied, the interpreter warmed up.</summary>
public sealed record WorkerReady(int ProcessId) : SandboxMessage;

/// <summary>Worker → node: the script called <c>progress(percent, message)</c>.</summary>
public sealed record ScriptProgress(double? Percent, string? Message) : SandboxMessage;

/// <summary>Worker → node: the script finished; <paramref name="ValueJson"/> is its value as JSON text (null: undefined).</summary>
public sealed record ScriptDone(string Stdout, string Stderr, bool Truncated, string? ValueJson) : SandboxMessage;

/// <summary>Worker → node: the script failed; <paramref name="Kind"/> is one of <see cref="FailureKinds"/>.</summary>
public sealed record ScriptFailed(string Kind, string Message, string Stderr) : SandboxMessage;

/// <summary>How a script failed, as the worker saw it.</summary>
public static class FailureKinds
{
    public const string Syntax = "syntax";
    public const string Thrown = "thrown";
    public const string Timeout = "timeout";
    public const string Memory = "memory";
    public const string Recursion = "recursion";
    public const string ResultTooLarge = "result-too-large";
    public const string Internal = "internal";
}
