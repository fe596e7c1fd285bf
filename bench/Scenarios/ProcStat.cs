namespace Jobs.Bench.Scenarios;

/// <summary>Fields of a <c>/proc/&lt;pid&gt;[/task/&lt;tid&gt;]/stat</c> line.</summary>
public static class ProcStat
{
    /// <summary>The command name (field 2, between the parentheses).</summary>
    public static string Comm(string stat) => stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];

    /// <summary>utime + stime (fields 14 and 15), in USER_HZ ticks.</summary>
    public static long Ticks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    public static TimeSpan ToTime(long ticks) => TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
}
