using Broker.Client.Protocol;
using Broker.Client.Protocol.Messages;
using Broker.Transport;

namespace Broker.Client.Connection;

/// <summary>A request that encodes itself into a frame with the id the connection gives it.</summary>
internal interface IRequestFrame
{
    void Write(FrameBuffer buffer, uint id);
}

internal readonly record struct AuthenticateFrame(AuthenticateRequest Request) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id);
}

internal readonly record struct HelloFrame(HelloRequest Request) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id);
}

internal readonly record struct DeclareFrame(DeclareRequest Request) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id);
}

internal readonly record struct ProduceFrame(OutgoingMessage Message, long Sequence, long Watermark) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => ProduceRequest.Write(buffer, id, Message, Sequence, Watermark);
}

internal readonly record struct SubscribeFrame(SubscribeRequest Request) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id);
}

internal readonly record struct SubscriptionFrame(SubscriptionRequest Request, MessageType Type) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id, Type);
}

internal readonly record struct SettleFrame(SettleRequest Request, MessageType Type) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id, Type);
}

internal readonly record struct ListDeadLettersFrame(ListDeadLettersRequest Request) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id);
}

internal readonly record struct ChannelFrame(ChannelRequest Request, MessageType Type) : IRequestFrame
{
    public void Write(FrameBuffer buffer, uint id) => Request.Write(buffer, id, Type);
}
