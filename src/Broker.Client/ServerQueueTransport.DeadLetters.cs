using Broker.Client.Connection;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Transport;

namespace Broker.Client;

internal sealed partial class ServerQueueTransport
{
    /// <summary>See <see cref="ITransportChannel"/>; called through <see cref="ServerChannel"/>.</summary>
    internal async ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersOfAsync(ChannelDefinition channel, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var result = new List<DeadLetterEntry>();
        // The server stops a page early when the next entry would not fit in a frame; ask again after the last id.
        while (result.Count < limit)
        {
            var request = new ListDeadLettersRequest(channel.Name, afterId, limit - result.Count);
            var (entries, more) = await ReadAsync(
                c => c.RequestAsync(request, Replies.DeadLetters(channel.Name), _options.RequestTimeout, "dead-letter listing", cancellationToken),
                cancellationToken).ConfigureAwait(false);
            result.AddRange(entries);
            if (!more || entries.Count == 0) break;
            afterId = entries[^1].Id;
        }
        return result;
    }

    /// <summary>See <see cref="ITransportChannel"/>; called through <see cref="ServerChannel"/>.</summary>
    internal async ValueTask<DeadLetterEntry?> GetDeadLetterOfAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var (entries, _) = await ReadAsync(
            c => c.RequestAsync(new ChannelRequest(MessageType.GetDeadLetter, channel.Name, id), Replies.DeadLetters(channel.Name), _options.RequestTimeout, "dead-letter lookup", cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return entries.Count > 0 ? entries[0] : null;
    }

    /// <summary>See <see cref="ITransportChannel"/>; called through <see cref="ServerChannel"/>.</summary>
    internal async ValueTask<bool> RedriveDeadLetterOfAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return await ChangeAsync(
            c => c.RequestAsync(new ChannelRequest(MessageType.RedriveDeadLetter, channel.Name, id), Replies.Result, _options.RequestTimeout, "dead-letter re-drive", cancellationToken),
            $"the re-drive of dead letter {id} of channel '{channel.Name}'",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>See <see cref="ITransportChannel"/>; called through <see cref="ServerChannel"/>.</summary>
    internal async ValueTask<bool> DeleteDeadLetterOfAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return await ChangeAsync(
            c => c.RequestAsync(new ChannelRequest(MessageType.DeleteDeadLetter, channel.Name, id), Replies.Result, _options.RequestTimeout, "dead-letter deletion", cancellationToken),
            $"the deletion of dead letter {id} of channel '{channel.Name}'",
            cancellationToken).ConfigureAwait(false);
    }
}
