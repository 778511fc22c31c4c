namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>A transport without a management API, as the NATS adapter is: it carries messages through another one.</summary>
public sealed class UnmanageableTransport(IQueueTransport inner) : IQueueTransport
{
    public TimeProvider TimeProvider => inner.TimeProvider;

    public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) => inner.OpenChannelAsync(channel, cancellationToken);

    public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
