using System.Net.Security;

namespace Broker.Client;

/// <summary>
/// Settings of <c>UseServer(address, ...)</c>: credentials, TLS, and how the client rides out a lost connection. The
/// defaults suit a server on the same machine or network.
/// </summary>
public sealed class ServerClientOptions
{
    /// <summary>
    /// The server: <c>host:port</c>, <c>host</c> (port 8811) or <c>[ipv6]:port</c>, or a shared embedded directory's socket, <c>unix:/path/broker.sock</c>. Set by <c>UseServer(address)</c>, or
    /// by configuration (<c>Broker:Server:Address</c>) for <c>UseServer()</c>.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>The token the server was started with (<c>--token</c>); null when it requires none.</summary>
    public string? Token { get; set; }

    /// <summary>The user name the server was started with (<c>--user</c>); set together with <see cref="Password"/>.</summary>
    public string? User { get; set; }

    /// <summary>The password of <see cref="User"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// TLS settings when the server listens with a certificate (<c>--tls-certificate</c>); null for plain TCP. Set at
    /// least <see cref="SslClientAuthenticationOptions.TargetHost"/> (the name in the server's certificate); a
    /// <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/> can trust a private certificate.
    /// </summary>
    public SslClientAuthenticationOptions? Tls { get; set; }

    /// <summary>A name the server logs for this client's connections. Default: the process name and id.</summary>
    public string? ClientName { get; set; }

    /// <summary>How long one connection attempt (TCP, TLS, authentication) may take. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an operation waits for a connection while the client (re)connects before it fails with a
    /// <see cref="ServerConnectionException"/>. Produces in flight when a connection is lost wait this long for the next
    /// one and are then retried. Default 30 seconds.
    /// </summary>
    public TimeSpan ReconnectWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause after the first failed connection attempt; it doubles with each failure. Default 100 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between connection attempts. Default 5 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a settle, lease renewal or dead-letter call waits for the server's answer on a live connection.
    /// Produces have no such limit: they complete when the message is on disk or fail when the connection does. But a
    /// server that sends nothing for this long while requests wait is asked whether it is there (a channel's counts, which
    /// it answers from memory), and the connection is closed as lost when that goes unanswered for this long too: a
    /// frozen server (stopped, in a debugger) fails the requests after about twice this time instead of holding them.
    /// Default 30 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentException">A value is invalid.</exception>
    public void Validate()
    {
        if (Token is not null && User is not null)
            throw new ArgumentException("ServerClientOptions: set either Token or User and Password, not both.", nameof(Token));
        if ((User is null) != (Password is null))
            throw new ArgumentException("ServerClientOptions.User and Password go together.", nameof(User));
        if (Token is { Length: 0 })
            throw new ArgumentException("ServerClientOptions.Token is empty; use null for no token.", nameof(Token));
        if (Tls is not null && string.IsNullOrEmpty(Tls.TargetHost))
            throw new ArgumentException("ServerClientOptions.Tls.TargetHost must name the host in the server's certificate.", nameof(Tls));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(ReconnectWait, nameof(ReconnectWait));
        Positive(ReconnectDelay, nameof(ReconnectDelay));
        Positive(RequestTimeout, nameof(RequestTimeout));
        if (MaxReconnectDelay < ReconnectDelay)
            throw new ArgumentOutOfRangeException(nameof(MaxReconnectDelay), MaxReconnectDelay, "ServerClientOptions.MaxReconnectDelay must be at least ReconnectDelay.");
    }

    /// <summary>Checks the address and then the other values (<see cref="Validate"/>).</summary>
    /// <returns>The parsed address.</returns>
    /// <exception cref="ArgumentException">A value is invalid; the parameter name is the property's.</exception>
    internal ServerAddress ValidateWithAddress()
    {
        if (string.IsNullOrWhiteSpace(Address))
            throw new ArgumentException("UseServer needs the server's address: pass it (UseServer(\"127.0.0.1:8811\")) or set it in configuration (Broker:Server:Address).", nameof(Address));
        var address = ServerAddress.Parse(Address, nameof(Address));
        Validate();
        return address;
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, value, $"ServerClientOptions.{name} must be positive.");
    }
}
