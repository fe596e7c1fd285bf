using System.Globalization;
using System.Text;

namespace Jobs.Actors.ReadModel;

/// <summary>A list's keyset cursor: the sort key (ticks) and id of the last job of a page, opaque to clients.</summary>
public static class JobCursor
{
    public static string Encode(long ticks, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(ticks.ToString(CultureInfo.InvariantCulture) + ":" + id))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An unreadable cursor is an error the caller sees (ArgumentException → 400).</summary>
    public static (long Ticks, string Id)? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var colon = text.IndexOf(':');
            return (long.Parse(text[..colon], CultureInfo.InvariantCulture), text[(colon + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ArgumentException("cursor is not one this API returned", nameof(cursor), e);
        }
    }
}
