using System.Globalization;

namespace Broker.Embedded.Tests.Processes;

/// <summary>One line a child printed (<see cref="ChildOutput"/>), parsed: its kind, and what of key, message id, tries,
/// mode and child timestamp the kind carries (0 or null where it carries none). <see cref="Duplicate"/>: an ACK whose
/// produce was answered as a duplicate of an earlier one with its key (an ExactlyOnce retry that found its first try stored).</summary>
internal sealed record ChildLine(string Kind, string? Key, long Id, int Tries, QueueMessageProcessing Mode, long Timestamp, string Text)
{
    public bool Duplicate { get; init; }

    /// <summary>Kind of a line that does not parse (a test failure, never an exception on the output reader's thread).</summary>
    public const string Garbled = "GARBLED";

    public static ChildLine Parse(string text)
    {
        try
        {
            return ParseOrThrow(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            return new ChildLine(Garbled, null, 0, 0, default, 0, text);
        }
    }

    private static ChildLine ParseOrThrow(string text)
    {
        var parts = text.Split(' ');
        return parts switch
        {
            [ChildOutput.Host or ChildOutput.Client, var ts] => new(parts[0], null, 0, 0, default, Long(ts), text),
            [ChildOutput.Ack, var key, var id, var status, var mode, var ts] => new(ChildOutput.Ack, key, Long(id), 0, Enum.Parse<QueueMessageProcessing>(mode), Long(ts), text)
            {
                Duplicate = status == nameof(ProduceStatus.Duplicate),
            },
            [ChildOutput.Done, var key, var id, var tries] => new(ChildOutput.Done, key, Long(id), (int)Long(tries), default, 0, text),
            [ChildOutput.OutcomeUnknown or ChildOutput.Retry or ChildOutput.Failed, var key, ..] => new(parts[0], key, 0, 0, default, 0, text),
            _ => new(parts[0], null, 0, 0, default, 0, text),
        };
    }

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
