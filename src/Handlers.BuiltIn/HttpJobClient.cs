using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// The connections of <c>http</c> jobs: one pooled <see cref="HttpClient"/> per settings whose
/// connect step resolves the URL's host itself and dials only the addresses the allow-list
/// permits (<see cref="HttpAllowList.MayConnect"/>). The check runs on the very addresses the
/// socket connects to, every time a connection is opened, so a name that resolved to a public
/// address at submission and to a private one later (DNS rebinding) is still refused. No proxy
/// (a proxy would resolve the name beyond this check) and no redirects (a redirect could lead
/// off the allow-list).
/// </summary>
public sealed class HttpJobClient
{
    private static readonly ConditionalWeakTable<HttpJobSettings, HttpJobClient> PerSettings = new();

    private readonly HttpAllowList _allowList;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <param name="settings">The allow-list.</param>
    /// <param name="resolve">Name resolution at connect time; the system resolver unless given (tests give their own names).</param>
    public HttpJobClient(HttpJobSettings settings, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _allowList = settings.AllowList;
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        Http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = HttpHandler.ConnectionLifetime,
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The shared client of these settings.</summary>
    public static HttpJobClient For(HttpJobSettings settings) => PerSettings.GetValue(settings, s => new HttpJobClient(s));

    public HttpClient Http { get; }

    private string Refusal(string host, IPAddress[] addresses, int port, string scheme)
    {
        if (addresses.Length == 0) return $"'{host}' resolves to no address";
        var a = addresses[0].IsIPv4MappedToIPv6 ? addresses[0].MapToIPv4() : addresses[0];
        var named = a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();
        return $"'{host}' resolves to {a}, a {_allowList.RefusedKind(a, port, scheme)} address: http jobs reach such an address only when "
               + $"JOBS_HTTP_ALLOWED_HOSTS names it ({named}{(port == HttpAllowList.DefaultPort(scheme) ? "" : ":" + port)})";
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (host, port) = (context.DnsEndPoint.Host.Trim('[', ']'), context.DnsEndPoint.Port);
        var scheme = context.InitialRequestMessage.RequestUri?.Scheme ?? Uri.UriSchemeHttp;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, ct);
        var permitted = addresses.Where(a => _allowList.MayConnect(a, port, scheme)).ToArray();
        if (permitted.Length == 0) throw new RefusedAddressException(Refusal(host, addresses, port, scheme));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>An <c>http</c> job's connection refused: its host resolved only to addresses the allow-list does not permit.</summary>
public sealed class RefusedAddressException(string message) : Exception(message);
