using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>The <c>hash</c> of a Deepkit QueuePublish: absent, a number (xxHash32 of <c>v</c>, or the producer's) or a string.</summary>
internal readonly record struct DeepkitHash(bool IsPresent, bool IsString, double Number, string? Text);

/// <summary>
/// QueuePublish (126), as Deepkit 1.0.19's client sends it: <c>{process: 0 exactlyOnce | 1 atLeastOnce,
/// deduplicationInterval: ms, hash?: int32 | double | string, delay: null | ms, priority: null | number, c, v}</c>.
/// Every optional field may be null or absent; numbers may be int32, int64 or double.
/// </summary>
internal readonly ref struct QueuePublishRequest
{
    public int Process { get; init; }

    public double DedupIntervalMs { get; init; }

    public DeepkitHash Hash { get; init; }

    public double DelayMs { get; init; }

    public double Priority { get; init; }

    public string Channel { get; init; }

    public ReadOnlySpan<byte> Payload { get; init; }

    public static QueuePublishRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.QueuePublish);
        var process = (int)QueueMessageProcessing.AtLeastOnce;
        double interval = 0, delay = 0, priority = 0;
        DeepkitHash hash = default;
        string? channel = null;
        ReadOnlySpan<byte> payload = default;
        var hasPayload = false;
        while (reader.ReadElement(out var field))
        {
            if (reader.TryReadNull()) continue;
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("v"u8))
            {
                payload = Wire.ReadPayload(ref reader);
                hasPayload = true;
            }
            else if (field.SequenceEqual("process"u8)) process = (int)Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("deduplicationInterval"u8)) interval = Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("delay"u8)) delay = Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("priority"u8)) priority = Wire.ReadNumber(ref reader);
            else if (field.SequenceEqual("hash"u8))
            {
                hash = reader.CurrentType == BsonType.String
                    ? new DeepkitHash(true, true, 0, reader.ReadString())
                    : new DeepkitHash(true, false, Wire.ReadNumber(ref reader), null);
            }
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        if (!hasPayload) throw Wire.Missing(MessageType.QueuePublish, "v");
        return new QueuePublishRequest
        {
            Process = process,
            DedupIntervalMs = interval,
            Hash = hash,
            DelayMs = delay,
            Priority = priority,
            Channel = channel ?? throw Wire.Missing(MessageType.QueuePublish, "c"),
            Payload = payload,
        };
    }
}
