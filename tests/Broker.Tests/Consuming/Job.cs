using System.Buffers;
using Broker.Bson;

namespace Broker.Tests.Consuming;

internal sealed record Job(int Number);

/// <summary>A hand-written codec, the shape the generator emits: <c>{ "n": int32 }</c>.</summary>
internal sealed class JobCodec : IBsonCodec<Job>
{
    public static readonly JobCodec Instance = new();

    public static byte[] Encode(int number)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(buffer);
        Instance.Write(ref writer, new Job(number));
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public void Write(ref BsonWriter writer, Job value)
    {
        var start = writer.WriteStartDocument();
        writer.WriteInt32("n"u8, value.Number);
        writer.WriteEndDocument(start);
    }

    public Job Read(ref BsonReader reader)
    {
        var scope = reader.ReadStartDocument();
        int? number = null;
        while (reader.ReadElement(out var name))
        {
            if (name.SequenceEqual("n"u8)) number = reader.ReadInt32();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new Job(number ?? throw BsonFormatException.MissingElement(scope.Start, "n", nameof(Job)));
    }
}
