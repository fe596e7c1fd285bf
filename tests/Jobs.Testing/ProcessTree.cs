using System.Globalization;

namespace Jobs.Testing;

/// <summary>A process and its children as Linux's /proc shows them: who they are, their memory and CPU.</summary>
public static class ProcessTree
{
    private static readonly long TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The processes whose command line contains every one of <paramref name="parts"/>.</summary>
    public static IReadOnlyList<int> WithCommandLine(params string[] parts) =>
        Pids().Where(pid => CommandLine(pid) is { } cmd && parts.All(p => cmd.Contains(p, StringComparison.Ordinal))).ToList();

    /// <summary>The sandbox workers a node started (their command line names the node's pid).</summary>
    public static IReadOnlyList<int> SandboxWorkersOf(int nodePid) =>
        Pids().Where(pid => CommandLine(pid) is { } cmd && cmd.Contains("Jobs.Sandbox.dll", StringComparison.Ordinal)
                                                         && cmd.Split('\0').Contains(nodePid.ToString(CultureInfo.InvariantCulture))).ToList();

    public static IReadOnlyList<int> ChildrenOf(int pid) => Pids().Where(p => ParentOf(p) == pid).ToList();

    /// <summary>Resident memory of the process and all its descendants.</summary>
    public static long TreeRssBytes(int pid) => RssBytes(pid) + ChildrenOf(pid).Sum(TreeRssBytes);

    public static long RssBytes(int pid)
    {
        var statm = Read($"/proc/{pid}/statm");
        return statm is null ? 0 : long.Parse(statm.Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>User plus system CPU time the process has used (0 once it is gone).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? TimeSpan.Zero
            : TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / (double)TicksPerSecond);
    }

    public static bool IsAlive(int pid) => StatFields(pid) is { } f && f[0] != "Z";

    private static int ParentOf(int pid) => StatFields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;

    /// <summary>/proc/pid/stat after the command name: state, ppid, … (field 3 of the file is index 0 here).</summary>
    private static string[]? StatFields(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat is null) return null;
        var close = stat.LastIndexOf(')');
        return stat[(close + 2)..].Split(' ');
    }

    private static string? CommandLine(int pid) => Read($"/proc/{pid}/cmdline");

    private static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : -1).Where(p => p > 0);

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
