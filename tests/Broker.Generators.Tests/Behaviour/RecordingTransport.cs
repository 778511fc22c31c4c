using Broker.Transport;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>A transport that records what is produced and stores nothing; the channel under test only produces.</summary>
internal sealed class RecordingTransport : IQueueTransport
{
    public List<(ChannelDefinition Channel, OutgoingMessage Message)> Produced { get; } = [];

    public TimeProvider TimeProvider => TimeProvider.System;

    public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ITransportChannel>(new RecordingChannel(this, channel));

    public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(TransportHealth.Healthy("Records produces in memory."));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class RecordingChannel(RecordingTransport transport, ChannelDefinition channel) : ITransportChannel
    {
        public ChannelDefinition Definition => channel;

        public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            transport.Produced.Add((channel, message with { Payload = message.Payload.ToArray(), Headers = message.Headers.ToArray() }));
            return ValueTask.FromResult(new ProduceResult(ProduceStatus.Enqueued, transport.Produced.Count));
        }

        public ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The tests only produce.");

        public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The tests only produce.");

        public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The tests only produce.");

        public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The tests only produce.");

        public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The tests only produce.");
    }
}
