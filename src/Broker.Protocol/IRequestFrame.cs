namespace Broker.Protocol;

/// <summary>
/// A request a client sends: it encodes itself as one frame with the id the client's connection gives it, so the
/// connection can match the reply to it. Every request message in Broker.Protocol.Messages implements it.
/// </summary>
public interface IRequestFrame
{
    /// <summary>Encodes the request as one frame of route type <see cref="RouteType.Client"/>.</summary>
    /// <param name="buffer">Where the frame is encoded.</param>
    /// <param name="id">The request id, echoed by the server's reply; never 0.</param>
    void Write(FrameBuffer buffer, uint id);
}
