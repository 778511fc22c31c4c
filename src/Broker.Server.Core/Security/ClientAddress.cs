using System.Net;
using System.Net.Sockets;

namespace Broker.Server.Security;

/// <summary>
/// The source a client is counted under for throttling and log summaries: its IPv4 address, or the /64 prefix of its
/// IPv6 address (one IPv6 host usually owns a whole /64, so counting single addresses would let it pick a fresh one for
/// every guess). An IPv4 address seen through a dual-mode socket (<c>::ffff:10.1.2.3</c>) counts as the IPv4 address.
/// </summary>
internal static class ClientAddress
{
    /// <summary>The unknown source (a socket whose peer could not be read), counted as one.</summary>
    public static readonly IPAddress Unknown = IPAddress.None;

    /// <summary>The source of <paramref name="endPoint"/>.</summary>
    public static IPAddress SourceOf(EndPoint? endPoint) => endPoint is IPEndPoint ip ? SourceOf(ip.Address) : Unknown;

    /// <summary>The source of <paramref name="address"/>: itself for IPv4, its /64 prefix for IPv6.</summary>
    public static IPAddress SourceOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    /// <summary>How logs name a source: <c>10.1.2.3</c>, or <c>2001:db8:1:2::/64</c>.</summary>
    public static string Describe(IPAddress source) =>
        ReferenceEquals(source, Unknown) ? "an unknown address"
        : source.AddressFamily == AddressFamily.InterNetworkV6 ? source + "/64"
        : source.ToString();
}
