using System.Net;
using System.Net.Sockets;

namespace Shop.Hosting.Orchestration;

/// <summary>Free loopback ports, asked of the kernel (bind to port 0) so parallel runs never collide.</summary>
internal static class PortAllocator
{
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
