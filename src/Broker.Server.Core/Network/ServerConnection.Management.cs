using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.Network;

/// <summary>
/// The management frames (docs/protocol.md, section 10): channels with their counts, peek, purge and the server's
/// status, answered from <see cref="BrokerServer.Management"/>. Like every request they need an authenticated
/// connection; the replies that can fill a frame reserve room for it in the outbound queue before anything is read.
/// </summary>
internal sealed partial class ServerConnection
{
    /// <summary>The most rows or messages one ListChannels or Peek asks for; a larger limit is lowered to it.</summary>
    internal const int MaxManagementPage = 10_000;

    private BrokerServerManagement Management => _server.Management;

    private void ListChannels(uint id, ReadOnlySpan<byte> body)
    {
        var request = ListChannelsRequest.Read(body);
        var limit = PageLimit(request.Limit);
        _ = TrackAsync(id, MessageType.ListChannels, () => ReplyWithinFrameAsync(
            frame => Management.ListChannelPageAsync(request.AfterName, limit, ChannelsReply.RowBudget(frame)).AsTask(),
            (buffer, page) => ChannelsReply.Write(buffer, id, page.TakenAt, page.Rows, Options.MaxFrameBytes, page.More)));
    }

    private void GetChannel(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.GetChannel);
        CheckChannelName(request.Channel);
        _ = TrackAsync(id, MessageType.GetChannel, async () =>
        {
            var takenAt = _server.Engine.TimeProvider.GetUtcNow();
            var row = await Management.GetChannelAsync(request.Channel).ConfigureAwait(false);
            // One row of a valid name is a few hundred bytes: no reservation needed, like the other small replies.
            using var scope = Outbound.Enter();
            ChannelsReply.Write(scope.Buffer, id, takenAt, row is null ? [] : [row], Options.MaxFrameBytes);
        });
    }

    private void Peek(uint id, ReadOnlySpan<byte> body)
    {
        var request = PeekRequest.Read(body);
        CheckChannelName(request.Channel);
        if (request.AfterId < 0)
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"The id to peek after must be 0 or more, not {request.AfterId}.");
        var limit = PageLimit(request.Limit);
        _ = TrackAsync(id, MessageType.Peek, () => ReplyWithinFrameAsync(
            frame => Management.PeekWithinAsync(request.Channel, request.AfterId, limit, PeekedReply.PayloadBudget(frame)).AsTask(),
            (buffer, page) => PeekedReply.Write(buffer, id, page.Messages, Options.MaxFrameBytes, page.More)));
    }

    private void Purge(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.Purge);
        CheckChannelName(request.Channel);
        _ = TrackAsync(id, MessageType.Purge, async () =>
        {
            var removed = await Management.PurgeAsync(request.Channel).ConfigureAwait(false);
            using var scope = Outbound.Enter();
            PurgedReply.Write(scope.Buffer, id, removed);
        });
    }

    private void ServerStatus(uint id)
    {
        _ = TrackAsync(id, MessageType.ServerStatus, async () =>
        {
            var status = await Management.GetStatusAsync().ConfigureAwait(false);
            using var scope = Outbound.Enter();
            StatusReply.Write(scope.Buffer, id, status);
        });
    }

    /// <summary>
    /// Answers with a reply that may fill a frame (a page of channels, messages or dead letters): room for a whole frame
    /// is reserved in the outbound queue before anything is read or copied, so pages asked for by a client that does not
    /// read wait instead of piling up, and at most a frame's worth is read for each.
    /// </summary>
    /// <param name="read">Reads the page, given the frame size it must fit.</param>
    /// <param name="write">Writes the reply frame.</param>
    private async Task ReplyWithinFrameAsync<T>(Func<int, Task<T>> read, Action<FrameBuffer, T> write)
    {
        var frame = Options.MaxFrameBytes;
        try
        {
            await Outbound.ReserveAsync(frame, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return; // the connection is closing: there is nobody to answer, and nothing went wrong on the server
        }
        T page;
        try
        {
            page = await read(frame).ConfigureAwait(false);
        }
        catch
        {
            Outbound.Unreserve(frame);
            throw;
        }
        using var scope = Outbound.Enter(frame);
        write(scope.Buffer, page);
    }

    /// <exception cref="ProtocolException">InvalidRequest: the limit is below 1.</exception>
    private static int PageLimit(int limit) =>
        limit < 1
            ? throw new ProtocolException(ErrorCodes.InvalidRequest, $"The limit must be at least 1, not {limit}.")
            : Math.Min(limit, MaxManagementPage);

    /// <summary>Refuses a name no channel can have before anything is looked up, with the rule it breaks.</summary>
    /// <exception cref="ProtocolException">InvalidRequest naming the problem.</exception>
    private static void CheckChannelName(string channel)
    {
        if (!ChannelNameRules.IsValid(channel, out var error))
            throw new ProtocolException(ErrorCodes.InvalidRequest, error!);
    }
}
