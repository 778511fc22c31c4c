using System.Globalization;
using Broker.Bson;
using Broker.Transport;

namespace Broker.Testing;

/// <summary>
/// Something the harness saw happen to a message on a channel, with the message decoded as the channel's type: what a
/// test asserts on.
/// </summary>
/// <typeparam name="T">The channel's message type.</typeparam>
public sealed class ObservedMessage<T>
{
    private ObservedMessage(HarnessEventKind kind, string channel, long id, T data, string? decodeError, int tries, int priority,
        IReadOnlyDictionary<string, string> headers, DateTimeOffset producedAt, DateTimeOffset at)
    {
        Kind = kind;
        Channel = channel;
        Id = id;
        Data = data;
        DecodeError = decodeError;
        Tries = tries;
        Priority = priority;
        Headers = headers;
        ProducedAt = producedAt;
        At = at;
    }

    /// <summary>What happened.</summary>
    public HarnessEventKind Kind { get; }

    /// <summary>The channel name.</summary>
    public string Channel { get; }

    /// <summary>The message id, unique within the channel. For a duplicate produce, the id of the earlier message.</summary>
    public long Id { get; }

    /// <summary>
    /// The message, decoded with the codec the source generator wrote for <typeparamref name="T"/>. Default only when the
    /// bytes cannot be decoded (<see cref="DecodeError"/>); predicates never see such a message.
    /// </summary>
    public T Data { get; }

    /// <summary>Why the bytes cannot be decoded as <typeparamref name="T"/>; null when they can.</summary>
    public string? DecodeError { get; }

    /// <summary>Which delivery it was: 1 the first time, 2 after one failure, and so on; 0 for a produce.</summary>
    public int Tries { get; }

    /// <summary>The message's priority.</summary>
    public int Priority { get; }

    /// <summary>The headers the message was produced with; empty for none.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>When the broker stored the message, on the harness clock.</summary>
    public DateTimeOffset ProducedAt { get; }

    /// <summary>When the harness saw this happen, on the harness clock.</summary>
    public DateTimeOffset At { get; }

    /// <summary>
    /// For <see cref="HarnessEventKind.Failed"/> and <see cref="HarnessEventKind.DeadLettered"/>: the error, as the broker
    /// keeps it (the exception's type and message, such as <c>System.InvalidOperationException: SMTP is down</c>, or why
    /// the payload could not be decoded). Null otherwise.
    /// </summary>
    public string? Error { get; private init; }

    /// <summary>
    /// For <see cref="HarnessEventKind.Failed"/>: true when the broker dead-lettered the message on this failure, false when
    /// it will retry it.
    /// </summary>
    public bool WasDeadLettered { get; private init; }

    /// <summary>For <see cref="HarnessEventKind.Produced"/>: the broker dropped it as a duplicate of an ExactlyOnce message within its window.</summary>
    public bool IsDuplicate { get; private init; }

    /// <summary>
    /// For <see cref="HarnessEventKind.Produced"/>: the delay it was produced with. For <see cref="HarnessEventKind.RetryRequested"/>:
    /// the delay the handler asked for. Zero otherwise.
    /// </summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>One line: what happened, the id, the delivery, the message and the error.</summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Describe(Kind)} #{Id}");
        if (Tries > 0) text += string.Create(CultureInfo.InvariantCulture, $" (delivery {Tries})");
        if (IsDuplicate) text += " (duplicate: dropped)";
        if (Delay > TimeSpan.Zero) text += " (delay " + Delay.ToString("c", CultureInfo.InvariantCulture) + ")";
        text += ": " + (DecodeError is null ? Data?.ToString() : "cannot be decoded: " + DecodeError);
        if (Error is not null) text += Kind == HarnessEventKind.Failed && !WasDeadLettered ? " (will be retried): " + Error : " -- " + Error;
        return text;
    }

    internal static ObservedMessage<T> From(JournalEntry entry, IBsonCodec<T> codec)
    {
        T data = default!;
        string? decodeError = null;
        try
        {
            var reader = new BsonReader(entry.Payload);
            data = codec.Read(ref reader);
        }
        catch (BsonFormatException ex)
        {
            decodeError = ex.Message;
        }
        IReadOnlyDictionary<string, string> headers;
        try
        {
            headers = HeaderCodec.Decode(entry.Headers);
        }
        catch (BsonFormatException)
        {
            // The broker validated them when they were produced; listing still shows the message.
            headers = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        }
        return new ObservedMessage<T>(entry.Kind, entry.Channel, entry.Id, data, decodeError, entry.Tries, entry.Priority, headers, entry.ProducedAt, entry.At)
        {
            Error = entry.Error,
            WasDeadLettered = entry.Outcome == SettleOutcome.DeadLettered,
            IsDuplicate = entry.IsDuplicate,
            Delay = entry.Delay,
        };
    }

    private static string Describe(HarnessEventKind kind) => kind switch
    {
        HarnessEventKind.Produced => "produced",
        HarnessEventKind.Consumed => "consumed",
        HarnessEventKind.Failed => "failed",
        HarnessEventKind.DeadLettered => "dead-lettered",
        HarnessEventKind.RetryRequested => "retry requested",
        HarnessEventKind.Released => "handed back",
        HarnessEventKind.LeaseLost => "lease lost",
        _ => kind.ToString(),
    };
}
