namespace Jobs.Testing;

/// <summary>Polls a condition until it holds or a deadline passes; the failure names what was awaited.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(50);

    /// <param name="every">between two probes (50 ms unless given; the bench measures with a finer one)</param>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what, TimeSpan? every = null)
    {
        var until = DateTime.UtcNow + deadline;
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"waited {deadline.TotalSeconds:0}s for {what}; last seen: {Describe(last)}");
            await Task.Delay(every ?? DefaultEvery);
            last = await probe();
        }
        return last;
    }

    public static Task Until(Func<Task<bool>> condition, TimeSpan deadline, string what, TimeSpan? every = null) =>
        Until(condition, b => b, deadline, what, every);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable e and not string => string.Join(", ", e.Cast<object?>().Take(20)),
        _ => value.ToString() ?? "",
    };
}
