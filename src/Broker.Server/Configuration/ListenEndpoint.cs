using System.Globalization;
using System.Net;

namespace Broker.Server.Configuration;

/// <summary>Where the server listens: an IP address (or <c>localhost</c>) and a port, such as <c>127.0.0.1:8811</c> or <c>[::]:8811</c>.</summary>
internal sealed record ListenEndpoint(IPAddress Address, int Port)
{
    public const int DefaultPort = 8811;

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>True when only this machine can connect.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <exception cref="FormatException">Not an address the server can bind; the message says why.</exception>
    public static ListenEndpoint Parse(string text) => Parse(text, "listen address", DefaultPort);

    /// <param name="text">The address as given.</param>
    /// <param name="what">How error messages name it (<c>listen address</c>, <c>--metrics address</c>).</param>
    /// <param name="defaultPort">The port when none is given.</param>
    /// <exception cref="FormatException">Not an address the server can bind; the message says why.</exception>
    public static ListenEndpoint Parse(string text, string what, int defaultPort)
    {
        var value = text.Trim();
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                throw new FormatException($"The {what} '{text}' opens '[' without closing it.");
            host = value[1..close];
            if (close + 1 < value.Length)
            {
                if (value[close + 1] != ':')
                    throw new FormatException($"The {what} '{text}' must be [ipv6]:port.");
                port = value[(close + 2)..];
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0 && value.IndexOf(':', StringComparison.Ordinal) != colon)
                throw new FormatException($"The {what} '{text}' looks like an IPv6 address; write it as [{value}]:port.");
            host = colon >= 0 ? value[..colon] : value;
            port = colon >= 0 ? value[(colon + 1)..] : null;
        }
        IPAddress address;
        if (host.Length == 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out address!))
            throw new FormatException($"The {what} '{text}' must be an IP address or 'localhost' (host names are not resolved, so the bind is never a surprise).");
        var number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number > 65535))
            throw new FormatException($"The port in {what} '{text}' must be a number from 0 to 65535.");
        return new ListenEndpoint(address, number);
    }

    public override string ToString() => EndPoint.ToString();
}
