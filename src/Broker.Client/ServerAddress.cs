using System.Globalization;
using System.Net;

namespace Broker.Client;

/// <summary>
/// A server address: <c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c>; the port defaults to 8811 (Deepkit's). Or a Unix
/// domain socket, <c>unix:/path/to/broker.sock</c> (<see cref="SocketPath"/>): the shared embedded broker's endpoint in
/// its data directory.
/// </summary>
internal sealed record ServerAddress(string Host, int Port, string? SocketPath = null)
{
    public const int DefaultPort = 8811;

    /// <summary>The prefix of a Unix domain socket's address: <c>unix:/path/to/broker.sock</c>.</summary>
    public const string UnixScheme = "unix:";

    /// <summary>Reads an address.</summary>
    /// <param name="address">The text.</param>
    /// <param name="parameter">The name errors give as their parameter: the caller's argument or option.</param>
    /// <exception cref="ArgumentException">The text is not an address; the message says why.</exception>
    public static ServerAddress Parse(string address, string parameter = "address")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address, parameter);
        var text = address.Trim();
        if (text.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            var path = text[UnixScheme.Length..];
            if (path.Length == 0)
                throw new ArgumentException($"The server address '{address}' names no socket: write unix:/path/to/broker.sock.", parameter);
            return UnixSocket(path);
        }
        if (text.Contains("://", StringComparison.Ordinal))
            throw new ArgumentException($"The server address '{address}' must be host:port (for example 127.0.0.1:8811), without a scheme.", parameter);
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                throw new ArgumentException($"The server address '{address}' opens '[' without closing it.", parameter);
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':')
                    throw new ArgumentException($"The server address '{address}' must be [ipv6]:port.", parameter);
                port = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
                throw new ArgumentException($"The server address '{address}' looks like an IPv6 address; write it as [{text}]:port.", parameter);
            host = colon >= 0 ? text[..colon] : text;
            port = colon >= 0 ? text[(colon + 1)..] : null;
        }
        if (host.Length == 0)
            throw new ArgumentException($"The server address '{address}' has no host.", parameter);
        var number = DefaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
            throw new ArgumentException($"The port in server address '{address}' must be a number from 1 to 65535.", parameter);
        return new ServerAddress(host, number);
    }

    /// <summary>The Unix domain socket at <paramref name="path"/>.</summary>
    public static ServerAddress UnixSocket(string path) => new("localhost", 0, path);

    public override string ToString() =>
        SocketPath is not null ? UnixScheme + SocketPath :
        IPAddress.TryParse(Host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
