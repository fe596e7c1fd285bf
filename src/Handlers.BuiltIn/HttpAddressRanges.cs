using System.Net;
using System.Net.Sockets;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// The addresses an <c>http</c> job may reach only when the allow-list names them: everything that
/// is not a public unicast address. A name on the allow-list that resolves into one of these
/// ranges would otherwise let a tenant reach the node itself, the cluster's private network or a
/// cloud's instance metadata (credentials) through an allowed host name.
/// </summary>
public static class HttpAddressRanges
{
    /// <summary>What kind of non-public address this is (<c>loopback</c>, <c>private</c>, …), or null for a public unicast address.</summary>
    public static string? Kind(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork ? KindV4(b) : KindV6(b);
    }

    private static string? KindV4(byte[] b) => b switch
    {
        [0, ..] => "unspecified",
        [127, ..] => "loopback",
        [10, ..] => "private",
        [172, >= 16 and <= 31, ..] => "private",
        [192, 168, ..] => "private",
        [169, 254, 169, 254] => "cloud metadata",
        [169, 254, ..] => "link-local",
        [100, >= 64 and <= 127, ..] => "shared (carrier-grade NAT)",
        [>= 224 and <= 239, ..] => "multicast",
        [>= 240, ..] => "reserved",
        _ => null,
    };

    private static string? KindV6(byte[] b)
    {
        if (b.All(x => x == 0)) return "unspecified";
        if (b.Take(15).All(x => x == 0) && b[15] == 1) return "loopback";
        // IPv4 inside IPv6 (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16): judged by the IPv4 address they carry
        if (b.Take(12).All(x => x == 0)) return KindV4(b[12..]) ?? "reserved";
        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..]) return KindV4(b[12..]);
        if (b is [0x20, 0x02, ..]) return KindV4(b[2..6]);
        if (b is [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]) return "cloud metadata";
        if ((b[0] & 0xfe) == 0xfc) return "private";
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";
        if (b[0] == 0xff) return "multicast";
        return null;
    }
}
