using System.Runtime.InteropServices;

namespace Jobs.Sandbox;

/// <summary>
/// What a worker does to itself before it runs any script (Linux): it dies with the node that
/// started it, writes no core dump, and cannot map more than a fixed amount of memory beyond what
/// the runtime holds at start — a backstop under the runtime's own heap limit
/// (DOTNET_GCHeapHardLimit, set by the node) and the node's watch of the worker's RSS.
/// </summary>
public static partial class ProcessLimits
{
    private const int PrSetPdeathsig = 1;
    private const int SigKill = 9;
    private const int RlimitCore = 4;
    private const int RlimitAs = 9;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, ref RLimit limit);

    [LibraryImport("libc")]
    private static partial int getppid();

    /// <param name="nodePid">the node that started this worker: if it is already gone, the worker exits.</param>
    /// <param name="extraAddressSpaceBytes">address space allowed beyond what the process maps now (0: no limit).</param>
    public static void Apply(int nodePid, long extraAddressSpaceBytes)
    {
        if (!OperatingSystem.IsLinux()) return;
        // SIGKILL when the thread that started this process ends; the node starts workers from a
        // thread that lives as long as the node. Checked after: the node may have died before.
        prctl(PrSetPdeathsig, SigKill, 0, 0, 0);
        if (nodePid > 0 && getppid() != nodePid) Environment.Exit(0);
        var none = new RLimit { Current = 0, Max = 0 };
        setrlimit(RlimitCore, ref none);
        if (extraAddressSpaceBytes <= 0) return;
        var limit = (ulong)(VirtualBytes() + extraAddressSpaceBytes);
        var asLimit = new RLimit { Current = limit, Max = limit };
        setrlimit(RlimitAs, ref asLimit);
    }

    /// <summary>The process's mapped address space (VmSize).</summary>
    public static long VirtualBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmSize:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
