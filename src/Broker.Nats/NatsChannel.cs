using Broker.Nats.DeadLetters;
using Broker.Nats.JetStream;
using Broker.Transport;

namespace Broker.Nats;

/// <summary>
/// A channel handle of the NATS adapter: its streams and consumers exist (created or checked when it was opened), and
/// its policy is the one it was opened with. NATS keeps no policy on the server: retries and dead-lettering are decided
/// by the consuming process, under the policy of the handle it consumes through.
/// </summary>
internal sealed class NatsChannel(NatsQueueTransport transport, ChannelRuntime runtime) : ITransportChannel
{
    public ChannelDefinition Definition => runtime.Channel;

    public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        transport.ProduceToAsync(runtime, message, cancellationToken);

    public ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken) =>
        transport.SubscribeToAsync(runtime, settings, cancellationToken);

    public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        transport.DeadLetters.ListAsync(runtime.Streams, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        DeadLetterStore.GetAsync(runtime.Streams, id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        transport.DeadLetters.RedriveAsync(runtime.Streams, id, cancellationToken);

    public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        DeadLetterStore.DeleteAsync(runtime.Streams, id, cancellationToken);
}
