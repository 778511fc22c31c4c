using System.Buffers;
using Broker.Bson;
using Broker.Transport;

namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>Messages as tests produce them: a BSON document <c>{t: text}</c> and optional headers.</summary>
public static class Payloads
{
    public static byte[] Document(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BsonWriter(buffer);
        var document = writer.WriteStartDocument();
        writer.WriteString("t"u8, text);
        writer.WriteEndDocument(document);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static ChannelMessage Message(ChannelDefinition channel, string text, IReadOnlyDictionary<string, string>? headers = null) =>
        new(channel, Document(text), null, TimeSpan.Zero, 0) { Headers = headers is null ? default : HeaderCodec.Encode(headers, channel.Name) };

    /// <summary>Produces <paramref name="count"/> messages and dead-letters them all, failing each for good with <paramref name="error"/>.</summary>
    public static async Task DeadLetterAsync(IQueueTransport transport, ChannelDefinition channel, int count, string error, IReadOnlyDictionary<string, string>? headers = null)
    {
        for (var i = 0; i < count; i++)
            await transport.ProduceAsync(Message(channel, $"dead {i}", headers), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(count, TimeSpan.FromSeconds(30)), CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            var delivery = await subscription.NextAsync();
            await subscription.FailAsync(delivery, FailureKind.Permanent, error, CancellationToken.None);
        }
    }
}
