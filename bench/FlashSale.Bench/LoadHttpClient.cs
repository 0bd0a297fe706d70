using System.Buffers;
using System.Net;

namespace Shop.Bench;

/// <summary>
/// The generator's HTTP/1.1 client: a bounded pool of keep-alive connections per server (one outstanding
/// request per connection, like a browser; requests beyond the pool wait for a free connection, and that wait
/// is part of the measured latency), no cookies, no proxy, no redirects, no per-request timeout object (the
/// run's token cancels what is left when the drain time is over). A hand-written HTTP/1.1 client over raw
/// sockets was tried and cost the same CPU per request on loopback (the kernel and the socket engine dominate),
/// so this is SocketsHttpHandler.
/// </summary>
public sealed class LoadHttpClient : IDisposable
{
    private readonly HttpMessageInvoker _invoker;

    public LoadHttpClient(int connectionsPerServer)
    {
        ConnectionsPerServer = connectionsPerServer;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connectionsPerServer,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        }, disposeHandler: true);
    }

    public int ConnectionsPerServer { get; }

    /// <summary>Sends a request and reads its whole body; the first bytes (up to the buffer's size) are kept in <paramref name="body"/>.</summary>
    /// <returns>The status code and how many bytes of <paramref name="body"/> hold the body's start.</returns>
    public async ValueTask<(int Status, int Length)> SendAsync(HttpRequestMessage request, Memory<byte> body, CancellationToken cancellationToken)
    {
        using var response = await _invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = 0;
            while (length < body.Length)
            {
                var read = await stream.ReadAsync(body[length..], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return ((int)response.StatusCode, length);
                }
                length += read;
            }
            // The rest of a long body is read and dropped, so that the connection can be reused.
            var rest = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (await stream.ReadAsync(rest, cancellationToken).ConfigureAwait(false) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rest);
            }
            return ((int)response.StatusCode, length);
        }
    }

    public void Dispose() => _invoker.Dispose();
}
