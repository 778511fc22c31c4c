using Broker.Client.Connection;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Transport;

namespace Broker.Client;

internal sealed partial class ServerQueueTransport
{
    /// <summary>Produces through <see cref="ServerChannel"/>: declares the channel on each connection before its first use.</summary>
    internal async ValueTask<ProduceResult> ProduceToAsync(ChannelDefinition channel, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var name = channel.Name;
        // The payload limit is checked again against the server's, once connected.
        MessageLimits.Validate(name, message, int.MaxValue);

        var produce = _produces.Begin();
        try
        {
            long? sentInEpoch = null;
            while (true)
            {
                ClientConnection connection;
                try
                {
                    connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (sentInEpoch is not null && ex is BrokerServerException or ServerConnectionException { OutcomeUnknown: false })
                {
                    // The message reached the old connection, so the server may have stored it: "could not connect"
                    // alone would invite a blind retry that stores it twice.
                    throw OutcomeUnknown($"The connection to the broker server at {_address} was lost while a message for channel '{name}' was in flight and could not be restored ({ex.Message})", ex);
                }
                var limit = connection.Welcome.MaxMessageBytes;
                if (limit > 0)
                    MessageLimits.CheckPayload(name, message.Payload.Length, limit);
                if (sentInEpoch is { } epoch && epoch != connection.Epoch && message.Dedup is null)
                {
                    throw OutcomeUnknown($"The broker server at {_address} restarted while a message for channel '{name}' was in flight", null);
                }
                connection.EnsureDeclared(channel);
                try
                {
                    return await connection.SendAsync(ProduceRequest.From(name, message, produce.Value, _produces.Watermark), Replies.Produced)
                        .WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ConnectionLostException lost)
                {
                    // Retried on the next connection under the same sequence number: the server answers a produce it already
                    // stored with that outcome instead of storing it again.
                    if (lost.WasSent)
                        sentInEpoch ??= connection.Epoch;
                }
                catch (BrokerServerException unknown) when (unknown.Code == ErrorCodes.OutcomeUnknown)
                {
                    // The server's session no longer remembers this sequence (more produces in flight than it keeps).
                    // An AtLeastOnce message an earlier attempt may have stored gets the same answer as after a restart;
                    // one no earlier attempt reached, or one its dedup key protects, is simply sent again as a new produce.
                    if (sentInEpoch is not null && message.Dedup is null)
                    {
                        throw OutcomeUnknown($"The broker server at {_address} no longer remembers the outcome of a message for channel '{name}' that was in flight across a reconnect", unknown);
                    }
                    _produces.End(produce);
                    produce = _produces.Begin();
                }
            }
        }
        finally
        {
            _produces.End(produce);
        }
    }

    // Every way an AtLeastOnce produce can end without knowing whether it was stored says the same about what to do.
    private static ServerConnectionException OutcomeUnknown(string what, Exception? cause) =>
        new(what + ", so whether it was stored is unknown (if it was, it will be delivered). Produce it again if it must not be lost; " +
            "use ExactlyOnce with a Hash to make such retries safe.", cause)
        {
            OutcomeUnknown = true,
        };
}
