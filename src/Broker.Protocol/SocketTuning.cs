using System.Net.Sockets;

namespace Broker.Protocol;

/// <summary>Socket settings both ends use: no Nagle delay (frames are batched already) and keep-alive probes.</summary>
public static class SocketTuning
{
    /// <summary>
    /// Frames are batched by the outbound queue, so Nagle's algorithm would only add latency. Keep-alive probes find a
    /// peer that vanished without closing (a pulled cable, a frozen machine) within about 20 seconds, so its leases and
    /// in-flight requests do not wait forever.
    /// </summary>
    /// <param name="socket">A connected socket; a Unix domain socket (the shared embedded broker's) has nothing to tune.</param>
    public static void Apply(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.AddressFamily == AddressFamily.Unix)
            return;
        socket.NoDelay = true;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 3);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (SocketException)
        {
            // Not every platform exposes the probe timings; keep-alive with the system's timings still helps.
        }
        catch (PlatformNotSupportedException)
        {
        }
    }
}
