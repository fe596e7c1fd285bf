using System.Text.RegularExpressions;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// A search by the start of a job id as a range of the primary key: ids starting with <c>p</c> lie in
/// [<c>p</c>, <c>p</c> with its last character raised by one) when ids compare by code point (ids are
/// ASCII: <c>[A-Za-z0-9_.-]</c>), so the read model scans the index over that range only.
/// </summary>
public static partial class JobIdPrefix
{
    /// <summary>Whether any job id can start with <paramref name="text"/>.</summary>
    public static bool IsPossible(string text) => IdChars().IsMatch(text);

    public static string UpperBound(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex IdChars();
}
