using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Jobs.Actors.Settings;

/// <summary>The deployer's HOCON overrides (JOBS_AKKA_HOCON): parsed strictly, so a typo stops the node at start.</summary>
public static class HoconOverrides
{
    /// <summary>The parsed overrides (empty when unset); throws <see cref="InvalidOperationException"/> when they are not valid HOCON.</summary>
    public static Config Parse(string? hocon) =>
        Problem(hocon) is { } problem
            ? throw new InvalidOperationException("JOBS_AKKA_HOCON is not valid HOCON: " + problem)
            : string.IsNullOrWhiteSpace(hocon) ? Config.Empty : ConfigurationFactory.ParseString(hocon);

    /// <summary>What is wrong with the text, or null when it is valid (or empty).</summary>
    public static string? Problem(string? hocon)
    {
        if (string.IsNullOrWhiteSpace(hocon)) return null;
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e)
        {
            return e.Message;
        }
        // Akka's parser is lenient: a key it cannot read a value for is kept with no value.
        return Unreadable(config.Root, "") is { } path ? $"no readable value for '{path}'" : null;
    }

    private static string? Unreadable(HoconValue value, string path)
    {
        if (value.Values.Count == 0) return path.Length == 0 ? "(root)" : path;
        if (!value.IsObject()) return null;
        foreach (var (key, child) in value.GetObject().Items)
            if (Unreadable(child, path.Length == 0 ? key : path + "." + key) is { } bad) return bad;
        return null;
    }
}
