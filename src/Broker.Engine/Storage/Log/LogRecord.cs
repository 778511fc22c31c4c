using System.Buffers.Binary;
using System.Text;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// The record frame: <c>u32 bodyLength | u8 type | u32 crc32c | body</c>, little-endian. The checksum covers the length,
/// the type and the body, so a damaged length is caught too. The type's high bit marks the first record of a
/// group-commit batch, which recovery uses to tell a torn tail from damage in the middle. An all-zero header is the end
/// of a segment's data (segments are preallocated with zeros).
/// </summary>
internal static class LogRecord
{
    public const int HeaderSize = 9;
    public const byte BatchStartFlag = 0x80;

    /// <summary>Fills in the header of a record whose body is already in <c>record[HeaderSize..]</c>.</summary>
    public static void Seal(Span<byte> record, LogRecordType type, bool batchStart)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(record.Length - HeaderSize));
        record[4] = (byte)((byte)type | (batchStart ? BatchStartFlag : 0));
        var crc = Crc32C.Append(~0u, record[..5]);
        crc = ~Crc32C.Append(crc, record[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[5..], crc);
    }

    public static int BodyLength(ReadOnlySpan<byte> header) => (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header), int.MaxValue);

    public static bool IsZeroHeader(ReadOnlySpan<byte> header) => !header[..HeaderSize].ContainsAnyExcept((byte)0);

    /// <summary>True when the whole record (header and body) checks out.</summary>
    public static bool Verify(ReadOnlySpan<byte> record)
    {
        var crc = Crc32C.Append(~0u, record[..5]);
        crc = ~Crc32C.Append(crc, record[HeaderSize..]);
        return crc == BinaryPrimitives.ReadUInt32LittleEndian(record[5..]);
    }

    public static LogRecordType TypeOf(ReadOnlySpan<byte> header) => (LogRecordType)(header[4] & ~BatchStartFlag);

    public static bool IsBatchStart(ReadOnlySpan<byte> header) => (header[4] & BatchStartFlag) != 0;

    public static bool IsKnown(LogRecordType type) => type is >= LogRecordType.ChannelDefined and <= LogRecordType.ChannelPolicy;

    /// <summary>
    /// Why a record whose checksum is right still cannot be replayed, or null: a channel policy too short for its fixed
    /// fields, or a message whose optional fields or headers run past its body. Replay would otherwise fail deep inside
    /// with a bare range exception, or keep a message whose payload can never be read.
    /// </summary>
    public static string? StructureProblem(LogRecordType type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case LogRecordType.ChannelPolicy when body.Length < PolicyFixedBody:
                return $"a channel policy record of {body.Length} bytes, shorter than its {PolicyFixedBody} bytes of fixed fields";
            case LogRecordType.Message:
                return MessageProblem(body);
            default:
                return null;
        }
    }

    // Process, dedup window, max attempts, retry delay (then the name).
    private const int PolicyFixedBody = 1 + 8 + 4 + 8;

    // Channel, id, priority, produced, due, flags.
    private const int MessageFixedBody = 4 + 8 + 4 + 8 + 8 + 1;

    private static string? MessageProblem(ReadOnlySpan<byte> body)
    {
        if (body.Length < MessageFixedBody)
            return $"a message record of {body.Length} bytes, shorter than its {MessageFixedBody} bytes of fixed fields";
        var flags = (MessageFlags)body[MessageFixedBody - 1];
        long at = MessageFixedBody;
        if ((flags & MessageFlags.HasKey) != 0)
            at += 16 + 8;
        if ((flags & MessageFlags.Carried) != 0)
        {
            at += 4 + 8;
            if (at + 4 > body.Length)
                return "a message record whose carried state runs past its body";
            var errorLength = BinaryPrimitives.ReadInt32LittleEndian(body[(int)at..]);
            at += 4 + Math.Max(errorLength, 0);
        }
        if ((flags & MessageFlags.HasOrderingKey) != 0)
        {
            if (at + 2 > body.Length)
                return "a message record whose ordering key length runs past its body";
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(body[(int)at..]);
            at += 2;
            if (keyLength == 0 || at + keyLength > body.Length)
                return $"a message record with an ordering key of {keyLength} bytes where {Math.Max(body.Length - at, 0)} bytes remain";
            at += keyLength;
        }
        if ((flags & MessageFlags.HasHeaders) != 0)
        {
            if (at + 2 > body.Length)
                return "a message record whose headers length runs past its body";
            var headersLength = BinaryPrimitives.ReadUInt16LittleEndian(body[(int)at..]);
            at += 2;
            if (headersLength == 0 || at + headersLength > body.Length)
                return $"a message record with {headersLength} bytes of headers where {Math.Max(body.Length - at, 0)} bytes remain";
            at += headersLength;
        }
        return at > body.Length ? "a message record whose fields run past its body" : null;
    }

    public static int Utf8Length(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}

/// <summary>Writes a record body, little-endian.</summary>
internal ref struct BodyWriter(Span<byte> body)
{
    private readonly Span<byte> _body = body;
    private int _position;

    public readonly int Position => _position;

    public void U8(byte value) => _body[_position++] = value;

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_body[_position..], value);
        _position += 2;
    }

    public void I32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_body[_position..], value);
        _position += 4;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_body[_position..], value);
        _position += 4;
    }

    public void I64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_body[_position..], value);
        _position += 8;
    }

    public void U128(UInt128 value)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(_body[_position..], value);
        _position += 16;
    }

    /// <summary>A length-prefixed UTF-8 string; length -1 for null.</summary>
    public void NullableString(string? text)
    {
        if (text is null)
        {
            I32(-1);
            return;
        }
        var length = Encoding.UTF8.GetBytes(text, _body[(_position + 4)..]);
        I32(length);
        _position += length;
    }

    /// <summary>A UTF-8 string of at most 65,535 bytes, prefixed by its u16 length.</summary>
    public void ShortString(string text)
    {
        var length = Encoding.UTF8.GetBytes(text, _body[(_position + 2)..]);
        U16((ushort)length);
        _position += length;
    }

    /// <summary>The rest of the body as UTF-8.</summary>
    public void Utf8(string text) => _position += Encoding.UTF8.GetBytes(text, _body[_position..]);

    public void Bytes(ReadOnlySpan<byte> data)
    {
        data.CopyTo(_body[_position..]);
        _position += data.Length;
    }
}

/// <summary>Reads a record body, little-endian.</summary>
internal ref struct BodyReader(ReadOnlySpan<byte> body)
{
    private readonly ReadOnlySpan<byte> _body = body;
    private int _position;

    public readonly int Position => _position;

    public readonly ReadOnlySpan<byte> Rest => _body[_position..];

    public byte U8() => _body[_position++];

    public ushort U16()
    {
        var value = BinaryPrimitives.ReadUInt16LittleEndian(_body[_position..]);
        _position += 2;
        return value;
    }

    public int I32()
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(_body[_position..]);
        _position += 4;
        return value;
    }

    public uint U32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_body[_position..]);
        _position += 4;
        return value;
    }

    public long I64()
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(_body[_position..]);
        _position += 8;
        return value;
    }

    public UInt128 U128()
    {
        var value = BinaryPrimitives.ReadUInt128LittleEndian(_body[_position..]);
        _position += 16;
        return value;
    }

    /// <summary>A string written by <see cref="BodyWriter.ShortString"/>.</summary>
    public string ShortString()
    {
        var length = U16();
        var text = Encoding.UTF8.GetString(_body.Slice(_position, length));
        _position += length;
        return text;
    }

    public string? NullableString()
    {
        var length = I32();
        if (length < 0)
            return null;
        var text = Encoding.UTF8.GetString(_body.Slice(_position, length));
        _position += length;
        return text;
    }
}
