using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// Where <c>http</c> jobs may go (JOBS_HTTP_ALLOWED_HOSTS): host names, <c>*.suffix</c> wildcards
/// or IP addresses (<c>[…]</c> around an IPv6 address with a port), each with an optional
/// <c>:port</c>; an entry without a port allows only the scheme's default port (80, 443). Two
/// questions: may a URL be called at all (<see cref="AllowsUrl"/>, before anything is resolved),
/// and may the connection go to an address its name resolved to (<see cref="MayConnect"/>, at
/// connect time): a public address yes, a loopback, private, link-local, metadata or other
/// special address (<see cref="HttpAddressRanges"/>) only when an entry names that address, or
/// <c>localhost</c>, with the port.
/// </summary>
public sealed partial class HttpAllowList
{
    private sealed record Entry(string Host, int? Port, IPAddress? Address)
    {
        public bool PortMatches(int port, string scheme) => port == (Port ?? DefaultPort(scheme));

        public bool HostMatches(string host, IPAddress? address) =>
            Address is not null ? address is not null && Address.Equals(address)
            : Host.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(Host[1..], StringComparison.Ordinal) && host.Length > Host.Length - 1
            : Host == host;

        public bool Names(IPAddress address) =>
            Address is not null ? Address.Equals(address) : Host == "localhost" && IPAddress.IsLoopback(address);

        public override string ToString()
        {
            var host = Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && Port is not null ? $"[{Host}]" : Host;
            return Port is { } p ? $"{host}:{p}" : host;
        }
    }

    private readonly IReadOnlyList<Entry> _entries;

    private HttpAllowList(IReadOnlyList<Entry> entries) => _entries = entries;

    public static readonly HttpAllowList Empty = new([]);

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Parses the entries; throws <see cref="FormatException"/> naming the first invalid one.</summary>
    public static HttpAllowList Parse(IEnumerable<string> entries) =>
        new(entries.Select(e => e.Trim()).Where(e => e.Length > 0).Select(ParseEntry).ToList());

    /// <summary>What is wrong with the entries (the first invalid one), or null.</summary>
    public static string? Problem(IEnumerable<string> entries)
    {
        try
        {
            _ = Parse(entries);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>May a job call this URL (its host and port on the list)? Nothing is resolved.</summary>
    public bool AllowsUrl(Uri uri)
    {
        var (host, address) = HostOf(uri);
        return _entries.Any(e => e.HostMatches(host, address) && e.PortMatches(uri.Port, uri.Scheme));
    }

    /// <summary>
    /// May the connection of a call to <paramref name="port"/> over <paramref name="scheme"/> go to
    /// <paramref name="address"/> (what the URL's host resolved to, just now)? Null when it may,
    /// else the kind of address that is refused (<see cref="HttpAddressRanges.Kind"/>).
    /// </summary>
    public string? RefusedKind(IPAddress address, int port, string scheme)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (HttpAddressRanges.Kind(address) is not { } kind) return null;
        return _entries.Any(e => e.Names(address) && e.PortMatches(port, scheme)) ? null : kind;
    }

    public bool MayConnect(IPAddress address, int port, string scheme) => RefusedKind(address, port, scheme) is null;

    public override string ToString() => _entries.Count == 0 ? "none" : string.Join(",", _entries);

    public static int DefaultPort(string scheme) => scheme == Uri.UriSchemeHttps ? 443 : 80;

    /// <summary>The URL's host as entries are matched against it: lower-case IDN name, or the address of an IP literal.</summary>
    private static (string Host, IPAddress? Address) HostOf(Uri uri)
    {
        var host = uri.IdnHost.ToLowerInvariant();
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            return (host, ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        return (host, null);
    }

    private static Entry ParseEntry(string raw)
    {
        var s = raw.ToLowerInvariant();
        string host;
        int? port = null;
        if (s.StartsWith('['))
        {
            var end = s.IndexOf(']');
            if (end < 0) throw Invalid(raw);
            host = s[1..end];
            var rest = s[(end + 1)..];
            if (rest.Length > 0) port = rest.StartsWith(':') ? PortOf(rest[1..], raw) : throw Invalid(raw);
            if (!IPAddress.TryParse(host, out _) || !host.Contains(':')) throw Invalid(raw);
        }
        else if (s.Count(c => c == ':') > 1)
        {
            host = s; // a bare IPv6 address (no port)
            if (!IPAddress.TryParse(host, out _)) throw Invalid(raw);
        }
        else
        {
            var colon = s.IndexOf(':');
            host = colon < 0 ? s : s[..colon];
            if (colon >= 0) port = PortOf(s[(colon + 1)..], raw);
        }
        IPAddress? address = null;
        if (host.Contains(':') || Ipv4().IsMatch(host))
        {
            if (!IPAddress.TryParse(host, out address)) throw Invalid(raw);
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            host = address.ToString();
        }
        else if (!HostName().IsMatch(host))
        {
            throw Invalid(raw);
        }
        return new Entry(host, port, address);
    }

    private static int PortOf(string s, string raw) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535 ? p : throw Invalid(raw);

    private static FormatException Invalid(string raw) =>
        new($"JOBS_HTTP_ALLOWED_HOSTS entry '{raw}' is invalid: expected a host name, *.suffix or an IP address ([…] for IPv6 with a port), with an optional :port (1..65535)");

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$")]
    private static partial Regex HostName();
}
