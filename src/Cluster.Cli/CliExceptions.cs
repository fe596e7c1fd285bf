namespace Jobs.Cli;

/// <summary>A usage error found while running a command (e.g. a --payload file that is not JSON): exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The operation ran but failed (a job ended failed, a batch has failures…): exit 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);

/// <summary>The node cannot be reached: exit code 3.</summary>
public sealed class NodeUnreachableException(string message) : Exception(message);
