using Broker.Client;
using Broker.Engine;
using Broker.Server.Configuration;
using Broker.Server.Hosting;
using Broker.Server.Network;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// A broker server in the test process, on a free loopback port and a temporary data directory, with the engine and
/// network code the executable uses. Tests reach it over real TCP like any client.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory? _data;

    private TestServer(TempDirectory? data, BrokerServerOptions options, QueueEngine engine, BrokerServer server)
    {
        _data = data;
        Options = options;
        Engine = engine;
        Server = server;
    }

    internal BrokerServerOptions Options { get; }

    internal QueueEngine Engine { get; }

    internal BrokerServer Server { get; }

    public int Port => Server.LocalEndPoint!.Port;

    public string Address => $"127.0.0.1:{Port}";

    internal static async Task<TestServer> StartAsync(
        Func<BrokerServerOptions, BrokerServerOptions>? configure = null,
        ILoggerFactory? loggers = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null,
        int port = 0,
        string? dataDirectory = null)
    {
        // A test that restarts a server on the same data passes its own directory, which outlives the server.
        var data = dataDirectory is null ? new TempDirectory() : null;
        // Small segments: every test starts a server, and a fresh log zero-fills two of them.
        var options = new BrokerServerOptions { DataDirectory = dataDirectory ?? data!.Path, Listen = new ListenEndpoint(System.Net.IPAddress.Loopback, port), SegmentBytes = 1024 * 1024 };
        if (configure is not null) options = configure(options);
        Assert.Null(options.Validate());
        loggers ??= NullLoggerFactory.Instance;
        var engine = EngineStore.Open(options, loggers, TimeProvider.System);
        await engine.RecoverAsync();
        var server = new BrokerServer(options, engine, loggers, certificate);
        server.Start();
        return new TestServer(data, options, engine, server);
    }

    /// <summary>A client transport onto this server, as <c>UseServer</c> creates it.</summary>
    internal ServerQueueTransport CreateTransport(Action<ServerClientOptions>? configure = null, ILoggerFactory? loggers = null) =>
        CreateTransport(Address, configure, loggers);

    /// <summary>A client transport onto any address (a proxy in front of a server, say), with quick reconnects.</summary>
    internal static ServerQueueTransport CreateTransport(string address, Action<ServerClientOptions>? configure = null, ILoggerFactory? loggers = null)
    {
        var options = new ServerClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) };
        configure?.Invoke(options);
        return new ServerQueueTransport(ServerAddress.Parse(address), options, TimeProvider.System, loggers);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
        _data?.Dispose();
    }
}
