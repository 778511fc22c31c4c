using Broker.Conformance;
using Broker.Embedded.Tests.Support;

namespace Broker.Embedded.Tests.Conformance;

/// <summary>
/// The conformance suite on a shared directory's client: every test gets a fresh directory, a host transport (the
/// process that took the lock) and a second transport on the same directory, which is its client over the directory's
/// socket; the suite runs on the client. Time is real: leases, delays and dedup windows live on the host's clock.
/// </summary>
public sealed class SharedClientFixture : IBrokerFixture
{
    public async ValueTask<IQueueTransport> CreateTransportAsync(CancellationToken cancellationToken)
    {
        var directory = new TempDirectory();
        var host = await Shared.OpenAsync(directory.Path);
        var client = await Shared.OpenAsync(directory.Path);
        Assert.True(host.IsHost);
        Assert.False(client.IsHost);
        return new Pair(client, host, directory);
    }

    public async ValueTask AdvanceTimeAsync(IQueueTransport transport, TimeSpan duration) => await Task.Delay(duration);

    // Real time, as on the server: renewals every 1.5 s with 3 s of lease keep their round trips inside the slack.
    public TimeSpan ShortLease => TimeSpan.FromSeconds(3);

    /// <summary>The client under test; disposing it closes the client, then the host, then deletes the directory.</summary>
    private sealed class Pair(SharedEmbeddedTransport client, SharedEmbeddedTransport host, TempDirectory directory) : IQueueTransport
    {
        public TimeProvider TimeProvider => client.TimeProvider;

        public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
            client.OpenChannelAsync(channel, cancellationToken);

        public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => client.CheckHealthAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync();
            await host.DisposeAsync();
            directory.Dispose();
        }
    }
}

public sealed class SharedClientDeliveryConformance(SharedClientFixture fixture) : DeliveryConformance(fixture), IClassFixture<SharedClientFixture>;

public sealed class SharedClientRetryConformance(SharedClientFixture fixture) : RetryConformance(fixture), IClassFixture<SharedClientFixture>;

public sealed class SharedClientOrderingConformance(SharedClientFixture fixture) : OrderingConformance(fixture), IClassFixture<SharedClientFixture>;

public sealed class SharedClientLeaseConformance(SharedClientFixture fixture) : LeaseConformance(fixture), IClassFixture<SharedClientFixture>;

public sealed class SharedClientLimitsConformance(SharedClientFixture fixture) : LimitsConformance(fixture), IClassFixture<SharedClientFixture>;

public sealed class SharedClientHeadersConformance(SharedClientFixture fixture) : HeadersConformance(fixture), IClassFixture<SharedClientFixture>;

public sealed class SharedClientTracingConformance(SharedClientFixture fixture) : TracingConformance(fixture), IClassFixture<SharedClientFixture>;
