using Broker.Conformance;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Conformance;

/// <summary>
/// The conformance suite on a real nats-server: one server per test class, a fresh stream prefix per test (so every
/// test starts with no channels, messages or subscriptions), and real waiting where the suite lets time pass: the
/// windows and leases live on the server.
/// </summary>
public sealed class NatsConformanceFixture : IBrokerFixture, IAsyncLifetime
{
    private readonly NatsFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    public ValueTask<IQueueTransport> CreateTransportAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IQueueTransport>(_server.CreateTransport());

    public async ValueTask AdvanceTimeAsync(IQueueTransport transport, TimeSpan duration) => await Task.Delay(duration);

    // Real time: a renewal every 1.5 s with 3 s of lease leaves 1.5 s for its round trip on a loaded machine (with 1 s
    // of lease and half a second of slack, renewals were refused about once in twenty CI runs).
    public TimeSpan ShortLease => TimeSpan.FromSeconds(3);
}

[RequiresNatsServer]
public sealed class NatsDeepkitQueueConformance(NatsConformanceFixture fixture) : DeepkitQueueConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsDeliveryConformance(NatsConformanceFixture fixture) : DeliveryConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsRetryConformance(NatsConformanceFixture fixture) : RetryConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsLeaseConformance(NatsConformanceFixture fixture) : LeaseConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsLimitsConformance(NatsConformanceFixture fixture) : LimitsConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsHeadersConformance(NatsConformanceFixture fixture) : HeadersConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsTracingConformance(NatsConformanceFixture fixture) : TracingConformance(fixture), IClassFixture<NatsConformanceFixture>;

[RequiresNatsServer]
public sealed class NatsOrderingConformance(NatsConformanceFixture fixture) : OrderingConformance(fixture), IClassFixture<NatsConformanceFixture>;
