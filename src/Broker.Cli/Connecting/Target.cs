using Broker.Client;

namespace Broker.Cli.Connecting;

/// <summary>The broker a command talks to.</summary>
internal abstract record Target
{
    /// <summary>How the target is named in messages: the server's address or the data directory.</summary>
    public abstract string Name { get; }
}

/// <summary>A <c>broker-server</c>, with the client settings the command line gave (credentials, TLS, timeouts).</summary>
/// <param name="Address">The address as given: <c>host:port</c>.</param>
/// <param name="Options">The client's settings; <see cref="ServerClientOptions.Address"/> is set.</param>
internal sealed record ServerTarget(string Address, ServerClientOptions Options) : Target
{
    /// <inheritdoc />
    public override string Name => "broker-server at " + Address;
}

/// <summary>An embedded broker's data directory.</summary>
/// <param name="Directory">The full path.</param>
/// <param name="Timeout">How long opening it may take.</param>
internal sealed record DataDirectoryTarget(string Directory, TimeSpan Timeout) : Target
{
    /// <inheritdoc />
    public override string Name => "data directory " + Directory;
}
