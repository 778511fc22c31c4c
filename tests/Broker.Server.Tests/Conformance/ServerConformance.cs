using Broker.Client;
using Broker.Conformance;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// The conformance suite on <c>UseServer</c>: every test gets a fresh server (its own engine, data directory and
/// port) and talks to it over loopback TCP through the client adapter. Time is real: leases, delays and dedup windows
/// live on the server's clock.
/// </summary>
public sealed class ServerConformanceFixture : IBrokerFixture
{
    public async ValueTask<IQueueTransport> CreateTransportAsync(CancellationToken cancellationToken)
    {
        var server = await TestServer.StartAsync();
        return new ServerUnderTest(server, server.CreateTransport());
    }

    public async ValueTask AdvanceTimeAsync(IQueueTransport transport, TimeSpan duration) => await Task.Delay(duration);

    // Real time: renewals every 1.5 s with 3 s of lease keep their round trips well inside the slack on a loaded machine.
    public TimeSpan ShortLease => TimeSpan.FromSeconds(3);

    /// <summary>The client transport, which stops its server when the suite disposes it.</summary>
    private sealed class ServerUnderTest(TestServer server, ServerQueueTransport client) : IQueueTransport
    {
        public TimeProvider TimeProvider => client.TimeProvider;

        public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
            client.OpenChannelAsync(channel, cancellationToken);

        public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => client.CheckHealthAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync();
            await server.DisposeAsync();
        }
    }
}

public sealed class ServerDeepkitQueueConformance(ServerConformanceFixture fixture) : DeepkitQueueConformance(fixture), IClassFixture<ServerConformanceFixture>;

public sealed class ServerDeliveryConformance(ServerConformanceFixture fixture) : DeliveryConformance(fixture), IClassFixture<ServerConformanceFixture>;

public sealed class ServerRetryConformance(ServerConformanceFixture fixture) : RetryConformance(fixture), IClassFixture<ServerConformanceFixture>;

public sealed class ServerOrderingConformance(ServerConformanceFixture fixture) : OrderingConformance(fixture), IClassFixture<ServerConformanceFixture>;

public sealed class ServerLeaseConformance(ServerConformanceFixture fixture) : LeaseConformance(fixture), IClassFixture<ServerConformanceFixture>;

public sealed class ServerLimitsConformance(ServerConformanceFixture fixture) : LimitsConformance(fixture), IClassFixture<ServerConformanceFixture>;

public sealed class ServerHeadersConformance(ServerConformanceFixture fixture) : HeadersConformance(fixture), IClassFixture<ServerConformanceFixture>;
public sealed class ServerTracingConformance(ServerConformanceFixture fixture) : TracingConformance(fixture), IClassFixture<ServerConformanceFixture>;
