using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>QueueSubscribe (127) <c>{c, maxParallel}</c> and QueueUnsubscribe (128) <c>{c}</c>.</summary>
internal readonly record struct QueueSubscribeRequest(string Channel, int MaxParallel)
{
    public static QueueSubscribeRequest Read(ReadOnlySpan<byte> body, MessageType type)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, type);
        string? channel = null;
        double maxParallel = 1;
        while (reader.ReadElement(out var field))
        {
            if (reader.TryReadNull()) continue;
            if (field.SequenceEqual("c"u8)) channel = reader.ReadString();
            else if (field.SequenceEqual("maxParallel"u8)) maxParallel = Wire.ReadNumber(ref reader);
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        if (!(maxParallel >= 1 && maxParallel <= int.MaxValue))
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"maxParallel must be at least 1, not {Wire.Describe(maxParallel)}.");
        return new QueueSubscribeRequest(channel ?? throw Wire.Missing(type, "c"), (int)maxParallel);
    }
}
