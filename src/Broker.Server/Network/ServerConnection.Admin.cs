using Broker.Client.Protocol;
using Broker.Client.Protocol.Messages;
using Broker.Transport;

namespace Broker.Server.Network;

internal sealed partial class ServerConnection
{
    private const int MaxDeadLetterPage = 10_000;

    private void ListDeadLetters(uint id, ReadOnlySpan<byte> body)
    {
        var request = ListDeadLettersRequest.Read(body);
        if (request.Limit < 1)
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"The limit must be at least 1, not {request.Limit}.");
        var limit = Math.Min(request.Limit, MaxDeadLetterPage);
        _ = TrackAsync(id, MessageType.ListDeadLetters, async () =>
            WriteDeadLetters(id, await _server.Engine.ListDeadLettersAsync(request.Channel, request.AfterId, limit).ConfigureAwait(false)));
    }

    private void GetDeadLetter(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.GetDeadLetter);
        _ = TrackAsync(id, MessageType.GetDeadLetter, async () =>
        {
            var entry = await _server.Engine.GetDeadLetterAsync(request.Channel, request.MessageId).ConfigureAwait(false);
            WriteDeadLetters(id, entry is null ? [] : [entry]);
        });
    }

    private void RedriveDeadLetter(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.RedriveDeadLetter);
        _ = TrackAsync(id, MessageType.RedriveDeadLetter, async () =>
            WriteResult(id, await _server.Engine.RedriveDeadLetterAsync(request.Channel, request.MessageId).ConfigureAwait(false)));
    }

    private void DeleteDeadLetter(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.DeleteDeadLetter);
        _ = TrackAsync(id, MessageType.DeleteDeadLetter, async () =>
            WriteResult(id, await _server.Engine.DeleteDeadLetterAsync(request.Channel, request.MessageId).ConfigureAwait(false)));
    }

    private void Stats(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.Stats);
        var stats = _server.Engine.GetStats(request.Channel);
        using var scope = Outbound.Enter();
        new StatsReply(stats.Channel, stats.Ready, stats.Delayed, stats.Leased, stats.DeadLettered, stats.DedupKeys, stats.Subscriptions, stats.LastId).Write(scope.Buffer, id);
    }

    private void WriteDeadLetters(uint id, IReadOnlyList<DeadLetterEntry> entries)
    {
        using var scope = Outbound.Enter();
        DeadLettersReply.Write(scope.Buffer, id, entries, Options.MaxFrameBytes);
    }
}
