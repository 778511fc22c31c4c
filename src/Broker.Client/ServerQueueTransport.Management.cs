using Broker.Client.Connection;
using Broker.Management;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Transport;

namespace Broker.Client;

internal sealed partial class ServerQueueTransport : IManageableTransport
{
    /// <summary>The most rows one ListChannels asks for (the server's largest page).</summary>
    private const int ChannelPage = 10_000;

    private IBrokerManagement? _management;

    /// <inheritdoc />
    /// <remarks>
    /// The server's management API over this transport's connection (docs/protocol.md, section 10): reads are retried on
    /// the next connection when one is lost; a re-drive, delete or purge whose connection is lost after it was sent fails
    /// with <see cref="ServerConnectionException"/> whose <see cref="ServerConnectionException.OutcomeUnknown"/> is true.
    /// Each call waits for the server's answer at most <see cref="ServerClientOptions.RequestTimeout"/>.
    /// </remarks>
    public IBrokerManagement Management => _management ??= new ServerBrokerManagement(this);

    /// <summary>The management API over a <see cref="ServerQueueTransport"/>'s connection; stateless, so one per transport is plenty.</summary>
    private sealed class ServerBrokerManagement(ServerQueueTransport transport) : IBrokerManagement
    {
        private ServerClientOptions Options => transport._options;

        public async ValueTask<BrokerStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
            await transport.ReadAsync(
                c => c.RequestAsync(new ServerStatusRequest(), Replies.Status, Options.RequestTimeout, "status request", cancellationToken),
                cancellationToken).ConfigureAwait(false);

        /// <remarks>Asks for pages of channels after the last name until the server says there are no more; the overview's time is the first page's.</remarks>
        public async ValueTask<ChannelOverview> ListChannelsAsync(CancellationToken cancellationToken = default)
        {
            var channels = new List<ChannelSummary>();
            DateTimeOffset? takenAt = null;
            string? after = null;
            while (true)
            {
                var request = new ListChannelsRequest(after, ChannelPage);
                var (at, rows, more) = await transport.ReadAsync(
                    c => c.RequestAsync(request, Replies.Channels, Options.RequestTimeout, "channel listing", cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                takenAt ??= at;
                channels.AddRange(rows);
                if (!more || rows.Count == 0)
                    return new ChannelOverview(takenAt.Value, channels);
                after = rows[^1].Name;
            }
        }

        public async ValueTask<ChannelSummary?> GetChannelAsync(string channel, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            var (_, rows, _) = await transport.ReadAsync(
                c => c.RequestAsync(new ChannelRequest(MessageType.GetChannel, channel, 0), Replies.Channels, Options.RequestTimeout, "channel lookup", cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return rows.Count > 0 ? rows[0] : null;
        }

        public async ValueTask<MessagePage> PeekAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
            var (messages, more) = await transport.ReadAsync(
                c => c.RequestAsync(new PeekRequest(channel, afterId, limit), Replies.Peeked(channel), Options.RequestTimeout, "peek", cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return new MessagePage(messages, more);
        }

        public async ValueTask<DeadLetterListing> ListDeadLettersAsync(string channel, long afterId, int limit, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
            var (entries, more) = await transport.ReadAsync(
                c => c.RequestAsync(new ListDeadLettersRequest(channel, afterId, limit), Replies.DeadLetters(channel), Options.RequestTimeout, "dead-letter listing", cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return new DeadLetterListing(entries, more);
        }

        public async ValueTask<DeadLetterEntry?> GetDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            var (entries, _) = await transport.ReadAsync(
                c => c.RequestAsync(new ChannelRequest(MessageType.GetDeadLetter, channel, id), Replies.DeadLetters(channel), Options.RequestTimeout, "dead-letter lookup", cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return entries.Count > 0 ? entries[0] : null;
        }

        public async ValueTask<bool> RedriveDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            return await transport.ChangeAsync(
                c => c.RequestAsync(new ChannelRequest(MessageType.RedriveDeadLetter, channel, id), Replies.Result, Options.RequestTimeout, "dead-letter re-drive", cancellationToken),
                $"the re-drive of dead letter {id} of channel '{channel}'",
                cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<bool> DeleteDeadLetterAsync(string channel, long id, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            return await transport.ChangeAsync(
                c => c.RequestAsync(new ChannelRequest(MessageType.DeleteDeadLetter, channel, id), Replies.Result, Options.RequestTimeout, "dead-letter deletion", cancellationToken),
                $"the deletion of dead letter {id} of channel '{channel}'",
                cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<long> PurgeAsync(string channel, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(channel);
            return await transport.ChangeAsync(
                c => c.RequestAsync(new ChannelRequest(MessageType.Purge, channel, 0), Replies.Purged, Options.RequestTimeout, "purge", cancellationToken),
                $"the purge of channel '{channel}'",
                cancellationToken).ConfigureAwait(false);
        }
    }
}
