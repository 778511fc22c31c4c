using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Client.Connection;

/// <summary>Reads the reply to a request; throws <see cref="ProtocolException"/> for a reply of the wrong type.</summary>
internal delegate T ReplyParser<T>(MessageType type, ReadOnlySpan<byte> body);

/// <summary>A request sent and waiting for its reply, matched by frame id.</summary>
internal abstract class PendingRequest
{
    /// <summary>When (<see cref="Environment.TickCount64"/>) the server must have answered; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline { get; init; } = long.MaxValue;

    /// <summary>What the request is, for the error when its deadline passes.</summary>
    public string? What { get; init; }

    /// <summary>Takes the reply (parsed now, while its bytes are valid); an Error reply becomes a <see cref="BrokerServerException"/>.</summary>
    public abstract void Accept(MessageType type, ReadOnlySpan<byte> body);

    /// <summary>Takes a failure instead of a reply.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>
    /// Completes the caller's task with what <see cref="Accept"/> or <see cref="Fail"/> took. The connection calls it for
    /// a whole batch of replies from one thread-pool work item, so the callers' continuations run there one after
    /// another instead of costing a work item each.
    /// </summary>
    public abstract void Publish();
}

/// <summary>A pending request whose reply is parsed into <typeparamref name="T"/>.</summary>
internal sealed class PendingReply<T>(ReplyParser<T> parser) : PendingRequest
{
    // Completed by Publish on a thread-pool work item, never on the connection's read loop.
    private readonly TaskCompletionSource<T> _reply = new();
    private T? _result;
    private Exception? _error;

    public Task<T> Task => _reply.Task;

    public override void Accept(MessageType type, ReadOnlySpan<byte> body)
    {
        if (type == MessageType.Error)
        {
            var error = ErrorReply.Read(body);
            _error = new BrokerServerException(error.Code, error.Message);
            return;
        }
        try
        {
            _result = parser(type, body);
        }
        catch (Exception ex) when (ex is ProtocolException or Bson.BsonFormatException)
        {
            _error = new ProtocolException(ErrorCodes.Malformed, $"The server's {type} reply is malformed: {ex.Message}", ex);
        }
    }

    public override void Fail(Exception exception) => _error ??= exception;

    public override void Publish()
    {
        if (_error is { } error)
            _reply.TrySetException(error);
        else
            _reply.TrySetResult(_result!);
    }
}

/// <summary>The replies a client expects, by request.</summary>
internal static class Replies
{
    public static bool Ack(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Ack);
        return true;
    }

    public static bool Authenticated(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.AuthenticateResponse);
        return true;
    }

    public static WelcomeReply Welcome(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Welcome);
        return WelcomeReply.Read(body);
    }

    public static ProduceResult Produced(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Produced);
        return ProducedReply.Read(body);
    }

    public static Transport.SettleOutcome Settled(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Settled);
        return SettledReply.Read(body);
    }

    public static bool Result(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Result);
        return ResultReply.Read(body);
    }

    public static StatsReply Stats(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.StatsReply);
        return StatsReply.Read(body);
    }

    public static ReplyParser<(List<Transport.DeadLetterEntry> Entries, bool More)> DeadLetters(string channel) => (type, body) =>
    {
        Expect(type, MessageType.DeadLetters);
        var entries = DeadLettersReply.Read(body, channel, out var more);
        return (entries, more);
    };

    public static (DateTimeOffset TakenAt, List<Management.ChannelSummary> Rows, bool More) Channels(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Channels);
        var (takenAt, rows) = ChannelsReply.Read(body, out var more);
        return (takenAt, rows, more);
    }

    public static ReplyParser<(List<Management.PeekedMessage> Messages, bool More)> Peeked(string channel) => (type, body) =>
    {
        Expect(type, MessageType.Peeked);
        var messages = PeekedReply.Read(body, channel, out var more);
        return (messages, more);
    };

    public static long Purged(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Purged);
        return PurgedReply.Read(body);
    }

    public static Management.BrokerStatus Status(MessageType type, ReadOnlySpan<byte> body)
    {
        Expect(type, MessageType.Status);
        return StatusReply.Read(body);
    }

    private static void Expect(MessageType actual, MessageType expected)
    {
        if (actual != expected)
            throw new ProtocolException(ErrorCodes.Malformed, $"Expected a {expected} reply, got {actual}.");
    }
}
