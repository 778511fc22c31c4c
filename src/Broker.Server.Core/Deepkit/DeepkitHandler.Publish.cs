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
        // Deepkit's numbers become the native message as they are, and the engine checks it as it checks every produce
        // (MessageLimits): a delay of 1e300 ms is refused there, not clamped into one that waits for decades.
        var delay = DeepkitNumbers.Delay(request.DelayMs);
        var priority = DeepkitNumbers.Priority(request.Channel, request.Priority);
        // Deepkit's client has no headers: its messages carry none, and the channel's declared policy (if a Broker client
        // declared one) decides retries, as for every message of the channel.
        _connection.Store(id, request.Channel, new OutgoingMessage(default, DeepkitDedup.Resolve(request), delay, priority), default, request.Payload, null, null, MessageType.Ack);
    }
}
