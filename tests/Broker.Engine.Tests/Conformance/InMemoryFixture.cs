using Broker.Conformance;
using Broker.Engine.Storage;
using Broker.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Engine.Tests.Conformance;

/// <summary>A fresh in-memory engine per test, on a fake clock that the suite advances instead of sleeping.</summary>
public sealed class InMemoryFixture : IBrokerFixture
{
    public ValueTask<IQueueTransport> CreateTransportAsync(CancellationToken cancellationToken)
    {
        var engine = new QueueEngine(new MemoryQueueStore(), new QueueEngineOptions(), new FakeTimeProvider());
        return ValueTask.FromResult<IQueueTransport>(new EngineTransport(engine, ownsEngine: true));
    }

    public ValueTask AdvanceTimeAsync(IQueueTransport transport, TimeSpan duration)
    {
        ((FakeTimeProvider)transport.TimeProvider).Advance(duration);
        return ValueTask.CompletedTask;
    }
}

public sealed class InMemoryDeepkitQueueConformance(InMemoryFixture fixture) : DeepkitQueueConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class InMemoryDeliveryConformance(InMemoryFixture fixture) : DeliveryConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class InMemoryRetryConformance(InMemoryFixture fixture) : RetryConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class InMemoryOrderingConformance(InMemoryFixture fixture) : OrderingConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class InMemoryLeaseConformance(InMemoryFixture fixture) : LeaseConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class InMemoryLimitsConformance(InMemoryFixture fixture) : LimitsConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class InMemoryHeadersConformance(InMemoryFixture fixture) : HeadersConformance(fixture), IClassFixture<InMemoryFixture>;
public sealed class InMemoryTracingConformance(InMemoryFixture fixture) : TracingConformance(fixture), IClassFixture<InMemoryFixture>;
