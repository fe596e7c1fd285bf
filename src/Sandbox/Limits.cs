namespace Jobs.Sandbox;

/// <summary>The worker's fixed limits.</summary>
public static class Limits
{
    /// <summary>A RunScript frame carries the code (at most 256 K characters) and little else.</summary>
    public const int MaxInboundFrameBytes = 2 * 1024 * 1024;

    /// <summary>The script thread's stack: deep enough for legal code under the interpreter's recursion limit.</summary>
    public const int ScriptStackBytes = 64 * 1024 * 1024;
}
