using Broker.Protocol;
using Broker.Transport;

namespace Broker.Server.Deepkit;

internal sealed partial class DeepkitHandler
{
    /// <summary>QueuePublish: stores the message like a native produce and answers with Ack.</summary>
    public void Publish(uint id, ReadOnlySpan<byte> body)
    {
        var request = QueuePublishRequest.Read(body);
        _connection.CheckSize(request.Channel, request.Payload.Length);
        var channel = Server.Policies.Get(request.Channel);
        // Deepkit's numbers become the native message as they are, and the engine checks it as it checks every produce
        // (MessageLimits): a delay of 1e300 ms is refused there, not clamped into one that waits for decades.
        var delay = DeepkitNumbers.Delay(request.DelayMs);
        var priority = DeepkitNumbers.Priority(request.Channel, request.Priority);
        _connection.Store(id, new OutgoingMessage(channel, default, DeepkitDedup.Resolve(request), delay, priority), request.Payload, null, null, MessageType.Ack);
    }
}
