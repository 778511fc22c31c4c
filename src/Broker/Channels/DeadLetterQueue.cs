using Broker.Bson;
using Broker.Transport;

namespace Broker;

/// <summary>A typed view of a channel's dead letters over its transport.</summary>
internal sealed class DeadLetterQueue<T>(ChannelOpener channel, IBsonCodec<T> codec) : IDeadLetterQueue<T>
{
    private const int MaxPage = 10_000;

    public async ValueTask<IReadOnlyList<DeadLetter<T>>> ListAsync(long afterId = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPage);
        var handle = await channel.GetAsync(cancellationToken).ConfigureAwait(false);
        var entries = await handle.ListDeadLettersAsync(afterId, limit, cancellationToken).ConfigureAwait(false);
        var result = new DeadLetter<T>[entries.Count];
        for (var i = 0; i < entries.Count; i++)
            result[i] = Decode(entries[i]);
        return result;
    }

    public async ValueTask<DeadLetter<T>?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var handle = await channel.GetAsync(cancellationToken).ConfigureAwait(false);
        var entry = await handle.GetDeadLetterAsync(id, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Decode(entry);
    }

    public async ValueTask<bool> RedriveAsync(long id, CancellationToken cancellationToken = default)
    {
        var handle = await channel.GetAsync(cancellationToken).ConfigureAwait(false);
        return await handle.RedriveDeadLetterAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        var handle = await channel.GetAsync(cancellationToken).ConfigureAwait(false);
        return await handle.DeleteDeadLetterAsync(id, cancellationToken).ConfigureAwait(false);
    }

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
        IReadOnlyDictionary<string, string>? headers = null;
        try
        {
            headers = HeaderCodec.Decode(entry.Headers.Span);
        }
        catch (BsonFormatException ex)
        {
            // Listing shows it anyway, as for a payload that cannot be decoded.
            decodeError = decodeError is null ? "Its headers cannot be decoded: " + ex.Message : decodeError + "; its headers cannot be decoded: " + ex.Message;
        }
        return new DeadLetter<T>(entry.Id, entry.Channel, entry.Payload, data, decodeError, entry.Tries, entry.Error, entry.ProducedAt, entry.DeadLetteredAt)
        {
            Headers = headers ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty,
        };
    }
}
