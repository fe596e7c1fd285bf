using System.Net;
using System.Net.Sockets;
using Jobs.Actors.Membership;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class SeedListTests
{
    private static readonly Dictionary<string, IPAddress[]> Dns = new()
    {
        ["seed"] = [IPAddress.Parse("172.18.0.6")],
        ["worker"] = [IPAddress.Parse("172.18.0.5"), IPAddress.Parse("fd00::5"), IPAddress.Parse("172.18.0.3")],
    };

    private static IPAddress[] Resolve(string name) =>
        Dns.TryGetValue(name, out var a) ? a : throw new SocketException((int)SocketError.HostNotFound);

    [Fact]
    public void Dns_entries_become_every_ipv4_address_in_order_plain_entries_stay()
    {
        var seeds = SeedList.Expand(["dns:seed:4053", "dns:worker:4053", "other.example:4054", "akka.tcp://jobs@x:1"], Resolve, TimeSpan.Zero);
        Assert.Equal(["172.18.0.6:4053", "172.18.0.3:4053", "172.18.0.5:4053", "other.example:4054", "akka.tcp://jobs@x:1"], seeds);
    }

    [Fact]
    public void Later_entries_that_do_not_resolve_yet_are_skipped_without_waiting()
    {
        var pauses = 0;
        var seeds = SeedList.Expand(["dns:seed:4053", "dns:nobody-yet:4053"], Resolve, TimeSpan.FromSeconds(30), _ => pauses++);
        Assert.Equal(["172.18.0.6:4053"], seeds);
        Assert.Equal(0, pauses);
    }

    [Fact]
    public void The_first_entry_is_waited_for_then_refused_naming_it()
    {
        var calls = 0;
        IPAddress[] LateSeed(string name) => ++calls < 3 ? [] : Resolve(name);
        Assert.Equal(["172.18.0.6:4053"], SeedList.Expand(["dns:seed:4053"], LateSeed, TimeSpan.FromSeconds(30), _ => { }));
        Assert.Equal(3, calls);

        var e = Assert.Throws<InvalidOperationException>(() => SeedList.Expand(["dns:missing:4053"], Resolve, TimeSpan.Zero));
        Assert.Contains("'missing' did not resolve", e.Message);
    }

    [Theory]
    [InlineData("dns:seed")]
    [InlineData("dns:seed:0")]
    [InlineData("dns::4053")]
    public void Malformed_dns_entries_are_refused(string entry) =>
        Assert.Contains("expected dns:name:port", Assert.Throws<InvalidOperationException>(() => SeedList.Expand([entry], Resolve, TimeSpan.Zero)).Message);
}
