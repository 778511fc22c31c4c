using System.Net;
using System.Net.Sockets;

namespace Broker.Conformance;

/// <summary>Free loopback ports for the servers the NATS and broker-server tests start.</summary>
public static class FreePorts
{
    /// <summary>A loopback port nobody listens on right now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
