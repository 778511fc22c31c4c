using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Broker.Bson;

// Binary data: generic and old binary, UUIDs as Guids, and ObjectIds. Kept apart because each checks a subtype or a
// fixed size on top of the element type.
public ref partial struct BsonReader
{
    /// <summary>Reads binary data.</summary>
    /// <param name="subtype">The subtype.</param>
    /// <returns>The data, a slice of the input.</returns>
    public ReadOnlySpan<byte> ReadBinary(out BsonBinarySubtype subtype)
    {
        RequirePending();
        if (_type != BsonType.Binary)
            throw Mismatch("a Binary");
        var length = ReadLength(minimum: 0, "binary value");
        var bytes = Take(length + 5L);
        subtype = (BsonBinarySubtype)bytes[4];
        return bytes.Slice(5);
    }

    /// <summary>Reads generic binary data into a new array (how <c>byte[]</c> travels).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ReadBytes()
    {
        var offset = _position;
        var data = ReadBinary(out var subtype);
        if (subtype == BsonBinarySubtype.OldBinary)
        {
            // The deprecated subtype 2 repeats the length inside the data.
            if (data.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(data) != data.Length - 4)
                throw new BsonFormatException(offset, $"element '{DescribeName()}': the inner length of an old binary value does not match its size.");
            return data.Slice(4).ToArray();
        }
        if (subtype != BsonBinarySubtype.Generic)
            throw new BsonFormatException(offset, $"element '{DescribeName()}' is binary subtype {(byte)subtype}; expected generic binary data (subtype 0).");
        return data.ToArray();
    }

    /// <summary>Reads a <see cref="Guid"/> stored as binary subtype 4 (standard byte order).</summary>
    /// <returns>The value.</returns>
    public Guid ReadGuid()
    {
        // int32 length 16, subtype 4, the 16 bytes.
        const int Size = 4 + 1 + 16;
        if (IsPending(BsonType.Binary, Size))
        {
            var value = _bson.Slice(_position, Size);
            if (BinaryPrimitives.ReadInt32LittleEndian(value) == 16 && value[4] == (byte)BsonBinarySubtype.Uuid)
            {
                Consume(Size);
                return new Guid(value.Slice(5), bigEndian: true);
            }
        }
        return ReadGuidChecked();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Guid ReadGuidChecked()
    {
        var offset = _position;
        var data = ReadBinary(out var subtype);
        if (subtype != BsonBinarySubtype.Uuid)
            throw new BsonFormatException(offset, $"element '{DescribeName()}' is binary subtype {(byte)subtype}; a Guid is stored as subtype 4 (standard).");
        if (data.Length != 16)
            throw new BsonFormatException(offset, $"element '{DescribeName()}' is a UUID of {data.Length} bytes; a UUID has 16.");
        return new Guid(data, bigEndian: true);
    }

    /// <summary>Reads an ObjectId.</summary>
    /// <returns>Its 12 bytes, a slice of the input.</returns>
    public ReadOnlySpan<byte> ReadObjectId()
    {
        RequirePending();
        if (_type != BsonType.ObjectId)
            throw Mismatch("an ObjectId");
        return Take(12);
    }

    /// <summary>Reads an ObjectId as its 24 lower-case hexadecimal digits (<c>[BsonRepresentation(BsonType.ObjectId)]</c> on a string).</summary>
    /// <returns>The digits.</returns>
    public string ReadObjectIdAsString()
    {
        RequirePending();
        if (_type == BsonType.String)
            return ReadString();
        return Convert.ToHexStringLower(ReadObjectId());
    }
}
