using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jobs.Tests.Client;

/// <summary>
/// A TCP proxy on loopback in front of a node. It relays every connection both ways, except the
/// first submission's: that request reaches the node, and once the node starts answering (the job is
/// journaled before the answer is sent) the proxy resets the client's connection without relaying
/// a byte of the answer — a response lost on the way back.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _node;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _drops = 1, _submissions, _dropped;

    public DroppingProxy(Uri node)
    {
        _node = new IPEndPoint(IPAddress.Loopback, node.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Submissions (POST /api/jobs) that reached the node through the proxy.</summary>
    public int Submissions => Volatile.Read(ref _submissions);

    /// <summary>Answers the proxy cut off.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var node = new TcpClient();
        try
        {
            await node.ConnectAsync(_node, _stop.Token);
            var (fromClient, toNode) = (client.GetStream(), node.GetStream());
            var head = await RequestLineAsync(fromClient);
            var submission = Encoding.ASCII.GetString(head).StartsWith("POST /api/jobs ", StringComparison.Ordinal);
            if (submission) Interlocked.Increment(ref _submissions);
            await toNode.WriteAsync(head, _stop.Token);
            var up = Pump(fromClient, toNode);
            if (submission && Interlocked.Decrement(ref _drops) >= 0)
            {
                var first = new byte[1];
                await toNode.ReadExactlyAsync(first, _stop.Token); // the node has begun its answer: the job is stored
                client.Client.LingerState = new LingerOption(true, 0); // close with a reset, as a dropped link looks
                client.Client.Close();
                Interlocked.Increment(ref _dropped);
                return;
            }
            await Task.WhenAny(up, Pump(toNode, fromClient));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // either side went away: the connection ends
        }
    }

    /// <summary>The bytes up to and including the request line's end (all that was read, so nothing is lost).</summary>
    private async Task<byte[]> RequestLineAsync(NetworkStream stream)
    {
        var read = new MemoryStream();
        var buffer = new byte[4096];
        while (Array.IndexOf(read.GetBuffer(), (byte)'\n', 0, (int)read.Length) < 0)
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0) break;
            read.Write(buffer, 0, n);
        }
        return read.ToArray();
    }

    private async Task Pump(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the other side closed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
