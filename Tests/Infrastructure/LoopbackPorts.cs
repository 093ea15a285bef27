using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Tests.Infrastructure;

/// <summary>A loopback TCP port that was free a moment ago (the OS picks it).</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
