using System.Buffers.Binary;
using System.Globalization;
using Broker.Bson;

namespace Broker.Protocol;

/// <summary>Conventions shared by every message body: documents, durations in milliseconds, keys as 16-byte binaries.</summary>
public static class Wire
{
    /// <summary>Opens a body that must be a BSON document.</summary>
    /// <exception cref="ProtocolException">The frame has no body.</exception>
    public static BsonReaderScope Open(ref BsonReader reader, ReadOnlySpan<byte> body, MessageType type)
    {
        if (body.IsEmpty)
            throw new ProtocolException(ErrorCodes.Malformed, $"A {type} frame needs a body.");
        return reader.ReadStartDocument();
    }

    /// <summary>
    /// Moves to the next element with a one-character name, the only names Broker's bodies use: longer names (fields a
    /// newer peer added) are skipped, and so are null values when <paramref name="nullMeansAbsent"/> is set.
    /// </summary>
    /// <returns>False at the end of the document.</returns>
    internal static bool NextField(ref BsonReader reader, out byte name, bool nullMeansAbsent)
    {
        while (reader.ReadElement(out var field))
        {
            if (field.Length != 1)
            {
                reader.Skip();
                continue;
            }
            if (nullMeansAbsent && reader.TryReadNull()) continue;
            name = field[0];
            return true;
        }
        name = 0;
        return false;
    }

    /// <summary>The error for a body of <paramref name="type"/> that lacks the required <paramref name="field"/>.</summary>
    public static ProtocolException Missing(MessageType type, string field) =>
        new(ErrorCodes.Malformed, $"A {type} body needs the field '{field}'.");

    /// <summary>A duration on the wire: whole milliseconds, rounded up so a delay never shrinks.</summary>
    public static long ToMilliseconds(TimeSpan value) =>
        value <= TimeSpan.Zero ? 0 : (value.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;

    /// <summary>A duration from the wire.</summary>
    /// <exception cref="ProtocolException">Negative, or beyond what a <see cref="TimeSpan"/> holds.</exception>
    public static TimeSpan FromMilliseconds(long value, string field)
    {
        if (value < 0 || value > TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond)
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"'{field}' is {value} ms; it must be between 0 and {TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond}.");
        return TimeSpan.FromTicks(value * TimeSpan.TicksPerMillisecond);
    }

    /// <summary>A payload: binary subtype 0 (as Deepkit sends <c>v</c>), a slice of the body.</summary>
    public static ReadOnlySpan<byte> ReadPayload(scoped ref BsonReader reader)
    {
        var bytes = reader.ReadBinary(out var subtype);
        if (subtype != BsonBinarySubtype.Generic)
            throw new ProtocolException(ErrorCodes.Malformed, $"A payload must be binary subtype 0, not {(byte)subtype}.");
        return bytes;
    }

    /// <summary>A 128-bit key (dedup key, session id): 16 bytes of binary subtype 0, little-endian.</summary>
    internal static UInt128 ReadKey(ref BsonReader reader, string field)
    {
        var bytes = reader.ReadBinary(out _);
        if (bytes.Length != 16)
            throw new ProtocolException(ErrorCodes.Malformed, $"'{field}' must be 16 bytes, not {bytes.Length}.");
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    /// <summary>Writes a 128-bit key as 16 bytes of binary subtype 0, little-endian.</summary>
    internal static void WriteKey(ref BsonWriter writer, ReadOnlySpan<byte> name, UInt128 key)
    {
        // A per-thread scratch array: a stackalloc'd span may not be handed to the writer (it could outlive the frame).
        var bytes = t_key ??= new byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(bytes, key);
        writer.WriteBinary(name, bytes);
    }

    [ThreadStatic]
    private static byte[]? t_key;

    /// <summary>A number as Deepkit's client writes one: int32 when it fits, otherwise double (never int64, but accepted).</summary>
    public static double ReadNumber(ref BsonReader reader) => reader.CurrentType switch
    {
        BsonType.Int32 or BsonType.Int64 => reader.ReadInt64(),
        _ => reader.ReadDouble(),
    };

    /// <summary>A message id or other integer that a JavaScript client may send as int32, int64 or a whole double.</summary>
    public static long ReadInteger(ref BsonReader reader, string field)
    {
        try
        {
            return reader.ReadInt64();
        }
        catch (BsonFormatException ex)
        {
            throw new ProtocolException(ErrorCodes.Malformed, $"'{field}' must be an integer: {ex.Reason}", ex);
        }
    }

    /// <summary>A number as an error message shows it: round-trippable, invariant culture.</summary>
    public static string Describe(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
