using System.Globalization;
using System.Text.RegularExpressions;

namespace Jobs.Node.Api;

/// <summary>
/// Times the API accepts: ISO-8601 extended date and time (<c>2030-01-01T09:30:00.5+02:00</c>),
/// seconds and fraction optional, offset optional (then UTC). Culture-dependent forms such as
/// <c>1/2/2030</c> are refused: which day they mean depends on who reads them.
/// </summary>
public static partial class IsoTime
{
    public const string Shape = "yyyy-MM-ddTHH:mm[:ss[.fffffff]][Z|±hh:mm]";

    /// <summary>The time in UTC, or false when <paramref name="raw"/> is not of <see cref="Shape"/> or not a real time.</summary>
    public static bool TryParse(string raw, out DateTimeOffset utc)
    {
        utc = default;
        if (!Pattern().IsMatch(raw)) return false;
        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return false;
        utc = parsed.ToUniversalTime();
        return true;
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
