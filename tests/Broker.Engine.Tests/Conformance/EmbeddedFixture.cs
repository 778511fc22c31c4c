using System.Collections.Concurrent;
using Broker.Conformance;
using Broker.Engine.Storage.Log;
using Broker.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Engine.Tests.Conformance;

/// <summary>
/// A fresh embedded engine per test: the durable log (fsync on, small segments) in a new temp directory, on a fake
/// clock that the suite advances instead of sleeping. The directories go when the test class is done.
/// </summary>
public sealed class EmbeddedFixture : IBrokerFixture, IDisposable
{
    private readonly ConcurrentBag<string> _directories = [];

    public ValueTask<IQueueTransport> CreateTransportAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "broker-conformance", Guid.NewGuid().ToString("N"));
        _directories.Add(directory);
        var time = new FakeTimeProvider();
        var store = LogQueueStore.Open(directory, new LogStoreOptions { SegmentBytes = 1024 * 1024 }, time);
        var engine = new QueueEngine(store, new QueueEngineOptions(), time, ownsStore: true);
        return ValueTask.FromResult<IQueueTransport>(new EngineTransport(engine, ownsEngine: true));
    }

    public ValueTask AdvanceTimeAsync(IQueueTransport transport, TimeSpan duration)
    {
        ((FakeTimeProvider)transport.TimeProvider).Advance(duration);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A transport the suite did not dispose still holds it; the temp directory is cleaned by the machine.
            }
        }
    }
}

public sealed class EmbeddedDeepkitQueueConformance(EmbeddedFixture fixture) : DeepkitQueueConformance(fixture), IClassFixture<EmbeddedFixture>;

public sealed class EmbeddedDeliveryConformance(EmbeddedFixture fixture) : DeliveryConformance(fixture), IClassFixture<EmbeddedFixture>;

public sealed class EmbeddedRetryConformance(EmbeddedFixture fixture) : RetryConformance(fixture), IClassFixture<EmbeddedFixture>;

public sealed class EmbeddedOrderingConformance(EmbeddedFixture fixture) : OrderingConformance(fixture), IClassFixture<EmbeddedFixture>;

public sealed class EmbeddedLeaseConformance(EmbeddedFixture fixture) : LeaseConformance(fixture), IClassFixture<EmbeddedFixture>;

public sealed class EmbeddedLimitsConformance(EmbeddedFixture fixture) : LimitsConformance(fixture), IClassFixture<EmbeddedFixture>;

public sealed class EmbeddedHeadersConformance(EmbeddedFixture fixture) : HeadersConformance(fixture), IClassFixture<EmbeddedFixture>;
public sealed class EmbeddedTracingConformance(EmbeddedFixture fixture) : TracingConformance(fixture), IClassFixture<EmbeddedFixture>;
