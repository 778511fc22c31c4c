using Broker.Transport;

namespace Broker.Testing;

/// <summary>A channel handle that records every produce the broker answered, then passes everything else through.</summary>
internal sealed class RecordingChannel(ITransportChannel inner, HarnessJournal journal, TimeProvider clock) : ITransportChannel
{
    public ChannelDefinition Definition => inner.Definition;

    public async ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // The payload and headers are the caller's only during this call: copied before the broker sees them. The sequence
        // is taken now, so a consumer that finishes before this call returns still lists after the produce.
        var sequence = journal.NextSequence();
        var payload = message.Payload.ToArray();
        var headers = message.Headers.ToArray();
        var result = await inner.ProduceAsync(message, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        journal.Add(new JournalEntry(sequence, HarnessEventKind.Produced, Definition.Name, result.MessageId, payload, headers, 0, message.Priority, now, now)
        {
            IsDuplicate = result.IsDuplicate,
            Delay = message.Delay,
        });
        return result;
    }

    public async ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken) =>
        new RecordingSubscription(await inner.SubscribeAsync(settings, cancellationToken).ConfigureAwait(false), Definition.Name, journal, clock);

    public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        inner.ListDeadLettersAsync(afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) => inner.GetDeadLetterAsync(id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) => inner.RedriveDeadLetterAsync(id, cancellationToken);

    public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) => inner.DeleteDeadLetterAsync(id, cancellationToken);
}
