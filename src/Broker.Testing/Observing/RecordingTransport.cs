using Broker.Transport;

namespace Broker.Testing;

/// <summary>
/// Stands between the app's channels and the harness's in-memory engine and records what passes: the app's code, its
/// channels and its hosted consumers run unchanged, and nothing global (no listener, no static) is involved, so
/// harnesses in parallel tests stay apart.
/// </summary>
internal sealed class RecordingTransport(IQueueTransport inner, HarnessJournal journal) : IQueueTransport
{
    public IQueueTransport Inner => inner;

    public TimeProvider TimeProvider => inner.TimeProvider;

    public async ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
        new RecordingChannel(await inner.OpenChannelAsync(channel, cancellationToken).ConfigureAwait(false), journal, inner.TimeProvider);

    public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
