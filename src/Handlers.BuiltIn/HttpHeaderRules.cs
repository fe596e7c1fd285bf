namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// The headers an <c>http</c> job may set. A name must be an HTTP token; a value printable ASCII
/// (tabs allowed): a CR or LF would end the header and let the payload write a second request
/// onto the same connection. Headers that steer the connection or the framing rather than the
/// request are the node's to set: <c>Host</c> (the allow-list checks the URL's host, the request
/// must go to it), <c>Content-Length</c> (set from the body) and the hop-by-hop ones.
/// </summary>
public static class HttpHeaderRules
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    /// <summary>Why this header may not be sent, or null.</summary>
    public static string? Problem(string name, string? value)
    {
        if (name.Length == 0 || !name.All(IsTokenChar))
            return $"header name '{Printable(name)}' is invalid: expected an HTTP token (letters, digits and !#$%&'*+-.^_`|~)";
        if (Reserved.Contains(name) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            return $"header '{name}' is set by the node, not by the job (Host, Content-Length, Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding and Upgrade are refused)";
        if (value is null) return $"header '{name}' needs a string value";
        if (value.Any(c => c is not ('\t' or (>= ' ' and <= '~'))))
            return $"header '{name}' has a control or non-ASCII character in its value (CR and LF are refused): expected printable ASCII";
        return null;
    }

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    /// <summary>The name as shown in a message: control characters escaped, so the message itself is one clean line.</summary>
    private static string Printable(string s) =>
        string.Concat(s.Take(100).Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
