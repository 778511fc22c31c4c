using Broker.Bson;
using Broker.Transport;

namespace Broker.Protocol.Messages;

/// <summary>What a Settle asks for: the <c>o</c> field.</summary>
public enum SettleOperation
{
    /// <summary>The handler returned: remove the message.</summary>
    Complete = 0,

    /// <summary>The handler threw: retry with backoff, or dead-letter once attempts are spent.</summary>
    Fail = 1,

    /// <summary>The message can never succeed: dead-letter it now.</summary>
    FailPermanently = 2,

    /// <summary>The handler asked for a delayed redelivery (<c>d</c> ms).</summary>
    Retry = 3,

    /// <summary>Hand the message back uncounted.</summary>
    Release = 4,
}

/// <summary>
/// Settle (167): <c>{s: subscription, i: message id, k: lease token, o: operation, d?: retry delay ms, e?: reason}</c>.
/// Renew (169) has the same <c>{s, i, k}</c> and no operation.
/// </summary>
/// <param name="Type"><see cref="MessageType.Settle"/> or <see cref="MessageType.Renew"/>.</param>
/// <param name="Subscription">The subscription the delivery came through.</param>
/// <param name="MessageId">The delivered message.</param>
/// <param name="LeaseToken">The delivery's lease token.</param>
/// <param name="Operation">What to do with the message; <see cref="SettleOperation.Complete"/> (and not sent) for Renew.</param>
/// <param name="DelayMs">The retry delay of <see cref="SettleOperation.Retry"/>; not sent otherwise.</param>
/// <param name="Reason">Why the handler failed, if it did.</param>
public readonly record struct SettleRequest(MessageType Type, int Subscription, long MessageId, long LeaseToken, SettleOperation Operation, long DelayMs, string? Reason) : IRequestFrame
{
    /// <summary>Parses the body of a frame of <paramref name="type"/>.</summary>
    /// <exception cref="ProtocolException">A required field is missing or the operation is unknown.</exception>
    public static SettleRequest Read(ReadOnlySpan<byte> body, MessageType type)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, type);
        int? subscription = null;
        long? id = null, token = null;
        int? operation = null;
        long delay = 0;
        string? reason = null;
        while (Wire.NextField(ref reader, out var field, nullMeansAbsent: true))
        {
            switch (field)
            {
                case (byte)'s': subscription = reader.ReadInt32(); break;
                case (byte)'i': id = reader.ReadInt64(); break;
                case (byte)'k': token = reader.ReadInt64(); break;
                case (byte)'o': operation = reader.ReadInt32(); break;
                case (byte)'d': delay = reader.ReadInt64(); break;
                case (byte)'e': reason = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }
        reader.ReadEndDocument(scope);
        var op = type == MessageType.Renew ? SettleOperation.Complete : (SettleOperation)(operation ?? throw Wire.Missing(type, "o"));
        if (op is < SettleOperation.Complete or > SettleOperation.Release)
            throw new ProtocolException(ErrorCodes.Malformed, $"Settle operation {(int)op} is not one of 0 to 4.");
        return new SettleRequest(
            type,
            subscription ?? throw Wire.Missing(type, "s"),
            id ?? throw Wire.Missing(type, "i"),
            token ?? throw Wire.Missing(type, "k"),
            op,
            delay,
            reason);
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, Type);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("s"u8, Subscription);
        writer.WriteInt64("i"u8, MessageId);
        writer.WriteInt64("k"u8, LeaseToken);
        if (Type == MessageType.Settle)
        {
            writer.WriteInt32("o"u8, (int)Operation);
            if (Operation == SettleOperation.Retry) writer.WriteInt64("d"u8, DelayMs);
            if (Reason is not null) writer.WriteString("e"u8, Reason);
        }
        frame.End();
    }
}

/// <summary>Settled (168): <c>{o: 0 completed, 1 retrying, 2 released, 3 dead-lettered, 4 lease lost}</c>.</summary>
public static class SettledReply
{
    /// <summary>Writes the reply to the Settle request <paramref name="id"/>.</summary>
    public static void Write(FrameBuffer buffer, uint id, SettleOutcome outcome)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Settled);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("o"u8, ToWire(outcome));
        frame.End();
    }

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">The outcome is missing or unknown.</exception>
    public static SettleOutcome Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Settled);
        int? outcome = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("o"u8)) outcome = reader.ReadInt32();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return FromWire(outcome ?? throw Wire.Missing(MessageType.Settled, "o"));
    }

    private static int ToWire(SettleOutcome outcome) => outcome switch
    {
        SettleOutcome.Completed => 0,
        SettleOutcome.Retrying => 1,
        SettleOutcome.Released => 2,
        SettleOutcome.DeadLettered => 3,
        SettleOutcome.LeaseLost => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private static SettleOutcome FromWire(int value) => value switch
    {
        0 => SettleOutcome.Completed,
        1 => SettleOutcome.Retrying,
        2 => SettleOutcome.Released,
        3 => SettleOutcome.DeadLettered,
        4 => SettleOutcome.LeaseLost,
        _ => throw new ProtocolException(ErrorCodes.Malformed, $"Settle outcome {value} is not one of 0 to 4."),
    };
}

/// <summary>Result (170): <c>{r: bool}</c>.</summary>
public static class ResultReply
{
    /// <summary>Writes the answer to request <paramref name="id"/>.</summary>
    public static void Write(FrameBuffer buffer, uint id, bool result)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Result);
        ref var writer = ref frame.Writer;
        writer.WriteBoolean("r"u8, result);
        frame.End();
    }

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">The answer is missing.</exception>
    public static bool Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Result);
        bool? result = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("r"u8)) result = reader.ReadBoolean();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return result ?? throw Wire.Missing(MessageType.Result, "r");
    }
}
