using Broker.Transport;

namespace Broker.Client;

/// <summary>
/// A channel handle of the server adapter. Its policy goes to the server in a Declare on every connection before the
/// first request that names the channel there; the server keeps the last declaration and persists it.
/// </summary>
internal sealed class ServerChannel(ServerQueueTransport transport, ChannelDefinition definition) : ITransportChannel
{
    public ChannelDefinition Definition => definition;

    public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        transport.ProduceToAsync(definition, message, cancellationToken);

    public ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken) =>
        transport.SubscribeToAsync(definition, settings, cancellationToken);

    public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        transport.ListDeadLettersOfAsync(definition, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        transport.GetDeadLetterOfAsync(definition, id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        transport.RedriveDeadLetterOfAsync(definition, id, cancellationToken);

    public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        transport.DeleteDeadLetterOfAsync(definition, id, cancellationToken);
}
