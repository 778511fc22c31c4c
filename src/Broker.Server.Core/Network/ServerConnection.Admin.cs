using Broker.Engine;
using Broker.Protocol;
using Broker.Protocol.Messages;

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
        _ = TrackAsync(id, MessageType.ListDeadLetters, () => ReplyWithDeadLettersAsync(id, async budget =>
        {
            // One more than asked for: the engine's page says More only when its byte budget cut it short, and the
            // extra entry tells whether the count did (at the cost of copying one more entry).
            var page = await _server.Engine.ListDeadLettersAsync(request.Channel, request.AfterId, limit + 1, budget, CancellationToken.None).ConfigureAwait(false);
            return page.Entries.Count > limit ? new DeadLetterPage([.. page.Entries.Take(limit)], More: true) : page;
        }));
    }

    private void GetDeadLetter(uint id, ReadOnlySpan<byte> body)
    {
        var request = ChannelRequest.Read(body, MessageType.GetDeadLetter);
        _ = TrackAsync(id, MessageType.GetDeadLetter, () => ReplyWithDeadLettersAsync(id, async _ =>
        {
            var entry = await _server.Engine.GetDeadLetterAsync(request.Channel, request.MessageId).ConfigureAwait(false);
            return new DeadLetterPage(entry is null ? [] : [entry], More: false);
        }));
    }

    /// <summary>
    /// Answers with a page of dead letters that holds no more payload bytes than its reply frame carries (see
    /// <see cref="ReplyWithinFrameAsync"/>): the engine is asked for at most a frame's worth of payloads.
    /// </summary>
    private Task ReplyWithDeadLettersAsync(uint id, Func<long, Task<DeadLetterPage>> list) =>
        ReplyWithinFrameAsync(
            frame => list(DeadLettersReply.PayloadBudget(frame)),
            (buffer, page) => DeadLettersReply.Write(buffer, id, page.Entries, Options.MaxFrameBytes, page.More));

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
}
