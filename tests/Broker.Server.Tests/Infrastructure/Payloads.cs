using System.Text;
using Broker.Bson;
using Broker.Transport;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>Small BSON payloads <c>{t: text}</c> for transport-level tests.</summary>
public static class Payloads
{
    public static byte[] Document(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new BsonWriter(buffer);
        var document = writer.WriteStartDocument();
        writer.WriteString("t"u8, text);
        writer.WriteEndDocument(document);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static string Text(ReadOnlyMemory<byte> payload)
    {
        var reader = new BsonReader(payload.Span);
        var scope = reader.ReadStartDocument();
        var text = string.Empty;
        while (reader.ReadElement(out var name))
        {
            if (name.SequenceEqual("t"u8)) text = reader.ReadString();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return text;
    }

    public static string Text(this Delivery delivery) => Text(delivery.Payload);

    public static ChannelMessage Message(ChannelDefinition channel, string text, Deduplication? dedup = null, TimeSpan delay = default, int priority = 0) =>
        new(channel, Document(text), dedup, delay, priority);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
