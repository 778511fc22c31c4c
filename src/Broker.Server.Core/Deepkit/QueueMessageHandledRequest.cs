using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>QueueMessageHandled (130): <c>{c, id, success, error: null | string, delay: null | number (seconds)}</c>.</summary>
internal readonly record struct QueueMessageHandledRequest(string Channel, long MessageId, bool Success, string? Error, double DelaySeconds)
{
    public static QueueMessageHandledRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.QueueMessageHandled);
        string? channel = null, error = null;
        long? id = null;
        var success = false;
        double delay = 0;
        while (reader.ReadElement(out var field))
        {
            if (reader.TryReadNull()) continue;
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("id"u8)) id = Wire.ReadInteger(ref reader, "id");
            else if (field.SequenceEqual("success"u8)) success = reader.ReadBoolean();
            else if (field.SequenceEqual("error"u8)) error = reader.CurrentType == BsonType.String ? reader.ReadString() : SkipAsText(ref reader);
            else if (field.SequenceEqual("delay"u8)) delay = Wire.ReadNumber(ref reader);
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new QueueMessageHandledRequest(
            channel ?? throw Wire.Missing(MessageType.QueueMessageHandled, "c"),
            id ?? throw Wire.Missing(MessageType.QueueMessageHandled, "id"),
            success,
            error,
            delay);
    }

    private static string SkipAsText(ref BsonReader reader)
    {
        var type = reader.CurrentType;
        reader.Skip();
        return "Error: (a non-string error of BSON type " + type + ")";
    }
}
