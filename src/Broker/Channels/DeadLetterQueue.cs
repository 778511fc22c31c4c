using Broker.Bson;
using Broker.Transport;

namespace Broker;

/// <summary>A typed view of a channel's dead letters over its transport.</summary>
internal sealed class DeadLetterQueue<T>(IQueueTransport transport, ChannelDefinition channel, IBsonCodec<T> codec) : IDeadLetterQueue<T>
{
    private const int MaxPage = 10_000;

    public async ValueTask<IReadOnlyList<DeadLetter<T>>> ListAsync(long afterId = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPage);
        var entries = await transport.ListDeadLettersAsync(channel, afterId, limit, cancellationToken).ConfigureAwait(false);
        var result = new DeadLetter<T>[entries.Count];
        for (var i = 0; i < entries.Count; i++)
            result[i] = Decode(entries[i]);
        return result;
    }

    public async ValueTask<DeadLetter<T>?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var entry = await transport.GetDeadLetterAsync(channel, id, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Decode(entry);
    }

    public ValueTask<bool> RedriveAsync(long id, CancellationToken cancellationToken = default) =>
        transport.RedriveDeadLetterAsync(channel, id, cancellationToken);

    public ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        transport.DeleteDeadLetterAsync(channel, id, cancellationToken);

    private DeadLetter<T> Decode(DeadLetterEntry entry)
    {
        // A message is often dead-lettered because it cannot be decoded; listing must still show it.
        T? data = default;
        string? decodeError = null;
        try
        {
            var reader = new BsonReader(entry.Payload.Span);
            data = codec.Read(ref reader);
        }
        catch (BsonFormatException ex)
        {
            decodeError = ex.Message;
        }
        return new DeadLetter<T>(entry.Id, entry.Channel, entry.Payload, data, decodeError, entry.Tries, entry.Error, entry.ProducedAt, entry.DeadLetteredAt);
    }
}
