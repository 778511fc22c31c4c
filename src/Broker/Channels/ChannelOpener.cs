using Broker.Transport;

namespace Broker;

/// <summary>
/// Opens a channel's transport handle on first use and keeps it: a channel is declared to its broker once, not with
/// every produce. A failed open (the broker unreachable) is not kept, so the next call tries again.
/// </summary>
internal sealed class ChannelOpener(IQueueTransport transport, ChannelDefinition definition)
{
    private ITransportChannel? _channel;

    public IQueueTransport Transport => transport;

    public ValueTask<ITransportChannel> GetAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _channel) is { } channel ? new ValueTask<ITransportChannel>(channel) : OpenAsync(cancellationToken);

    private async ValueTask<ITransportChannel> OpenAsync(CancellationToken cancellationToken)
    {
        // Two first calls at once may both declare; a declaration of the same policy changes nothing.
        var channel = await transport.OpenChannelAsync(definition, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _channel, channel);
        return channel;
    }
}
