using System.Net;
using System.Net.Sockets;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// The stable port of a replicated project: a TCP proxy that hands each new connection to the next replica
/// in turn, skipping replicas that refuse (one is restarting). Clients that keep a connection alive stay on
/// one replica, as behind any L4 balancer; service discovery lists every replica for client-side balancing.
/// </summary>
internal sealed class RoundRobinProxy(int listenPort, IReadOnlyList<int> targetPorts, ResourceLog log) : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, listenPort);
    private readonly CancellationTokenSource _stopping = new();
    private int _next = -1;
    private Task _acceptLoop = Task.CompletedTask;

    public void Start()
    {
        _listener.Start(backlog: 1024);
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }
            _ = RelayAsync(client, stopping);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            client.NoDelay = true;
            using var upstream = await ConnectToNextReplicaAsync(stopping).ConfigureAwait(false);
            if (upstream is null)
            {
                log.Append(-1, true, $"[shop] proxy :{listenPort}: no replica accepted the connection");
                return;
            }
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
            var toUpstream = PumpAsync(clientStream, upstream, upstreamStream, stopping);
            var toClient = PumpAsync(upstreamStream, client, clientStream, stopping);
            await Task.WhenAll(toUpstream, toClient).ConfigureAwait(false);
        }
    }

    private async Task<Socket?> ConnectToNextReplicaAsync(CancellationToken stopping)
    {
        for (var attempt = 0; attempt < targetPorts.Count; attempt++)
        {
            var port = targetPorts[(int)((uint)Interlocked.Increment(ref _next) % (uint)targetPorts.Count)];
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, stopping).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }
        return null;
    }

    /// <summary>Copies one direction; at its end, half-closes the other side so the peer sees end of stream.</summary>
    private static async Task PumpAsync(Stream from, Socket toSocket, Stream to, CancellationToken stopping)
    {
        try
        {
            await from.CopyToAsync(to, 64 * 1024, stopping).ConfigureAwait(false);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is over (reset by a peer, or the AppHost is stopping): the other pump ends too.
            toSocket.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
