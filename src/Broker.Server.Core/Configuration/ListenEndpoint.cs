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

    /// <remarks>An address left out (<c>:8811</c>) means 127.0.0.1, as it always has for <c>--listen</c>.</remarks>
    /// <exception cref="FormatException">Not an address the server can bind; the message says why.</exception>
    public static ListenEndpoint Parse(string text) => Parse(text, "listen address", DefaultPort);

    /// <param name="text">The address as given.</param>
    /// <param name="what">How error messages name it (<c>listen address</c>, <c>--metrics address</c>).</param>
    /// <param name="defaultPort">The port when none is given.</param>
    /// <param name="requireAddress">
    /// Refuse a value without a full IP address (<c>:9464</c>, <c>9464</c>, <c>127.1</c>) instead of reading it as
    /// loopback or as a shorthand IPv4 address: for a setting that opens a port, a surprise either way.
    /// </param>
    /// <exception cref="FormatException">Not an address the server can bind; the message says why.</exception>
    public static ListenEndpoint Parse(string text, string what, int defaultPort, bool requireAddress = false)
    {
        var value = text.Trim();
        // A URL, such as a scrape target copied from a browser: the scheme's colon would otherwise read as IPv6.
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0 || value.Contains('/', StringComparison.Ordinal))
        {
            var rest = scheme >= 0 ? value[(scheme + 3)..] : value;
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var hostPort = slash >= 0 ? rest[..slash] : rest;
            throw new FormatException($"The {what} '{text}' must be host:port without a scheme or path: write {(hostPort.Length > 0 ? hostPort : "127.0.0.1:" + defaultPort)}.");
        }
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
        if (requireAddress && host.Length == 0)
            throw new FormatException($"The {what} '{text}' has no IP address: write one, such as 127.0.0.1{(port is null ? "" : ":" + port)} (loopback) or the address of a private interface.");
        IPAddress address;
        if (host.Length == 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out address!))
            throw new FormatException($"The {what} '{text}' must be an IP address or 'localhost' (host names are not resolved, so the bind is never a surprise).");
        // IPAddress.TryParse also takes "9464" (0.0.36.248) and "127.1": a port given alone, or a shorthand nobody means.
        else if (requireAddress && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Count(c => c == '.') != 3)
            throw new FormatException($"The {what} '{text}' is not a full IPv4 address (a.b.c.d){(port is null && host.All(char.IsAsciiDigit) ? $"; for port {host} on loopback write 127.0.0.1:{host}" : "")}.");
        var number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number > 65535))
            throw new FormatException($"The port in {what} '{text}' must be a number from 0 to 65535.");
        return new ListenEndpoint(address, number);
    }

    public override string ToString() => EndPoint.ToString();
}
