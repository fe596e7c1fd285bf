using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Jobs.Actors.Membership;

/// <summary>
/// The host name other nodes reach this one by (JOBS_CLUSTER_HOST). <c>auto</c> means this
/// machine's first non-loopback IPv4 address — what a scaled container (docker compose
/// <c>--scale</c>, a Kubernetes pod) needs, since its replicas share one configuration.
/// </summary>
public static class ClusterHostName
{
    public const string Auto = "auto";

    public static string Resolve(string configured) =>
        configured.Equals(Auto, StringComparison.OrdinalIgnoreCase)
            ? FirstAddress()?.ToString()
              ?? throw new InvalidOperationException("JOBS_CLUSTER_HOST=auto found no non-loopback IPv4 address on this machine (is the container on a network?)")
            : configured;

    /// <summary>Is this host only reachable from this machine (<c>localhost</c> or a loopback address)?</summary>
    public static bool IsLoopback(string host) =>
        IPAddress.TryParse(host, out var ip) ? IPAddress.IsLoopback(ip) : host.Equals("localhost", StringComparison.OrdinalIgnoreCase);

    public static IPAddress? FirstAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus != OperationalStatus.Down && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
