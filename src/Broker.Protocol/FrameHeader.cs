using System.Buffers.Binary;

namespace Broker.Protocol;

/// <summary>
/// The 12-byte header of every frame, little-endian: <c>uint32 size | uint8 version=1 | uint32 id | uint8 routeType |
/// uint8 composite=0 | uint8 type</c>. <c>size</c> counts the whole frame, header included, so a frame of 12 bytes has no body.
/// </summary>
/// <param name="Size">The whole frame's length in bytes.</param>
/// <param name="Id">The request id: chosen by the client, echoed by the reply; 0 on pushes.</param>
/// <param name="Route">Who started the exchange.</param>
/// <param name="Type">What the frame is.</param>
public readonly record struct FrameHeader(int Size, uint Id, RouteType Route, MessageType Type)
{
    /// <summary>The header length.</summary>
    public const int Length = 12;

    /// <summary>The only protocol version.</summary>
    public const byte Version = 1;

    /// <summary>Reads a frame's size prefix without checking it.</summary>
    public static uint ReadSize(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32LittleEndian(frame);

    /// <summary>Parses and checks the header of a complete frame.</summary>
    /// <exception cref="ProtocolException">The version, route type or composite flag is not one this protocol uses.</exception>
    public static FrameHeader Read(ReadOnlySpan<byte> frame)
    {
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (frame[4] != Version)
            throw new ProtocolException(ErrorCodes.Malformed, $"Frame version {frame[4]} is not supported; the protocol version is {Version}.");
        var route = frame[9];
        if (route > (byte)RouteType.Server)
            throw new ProtocolException(ErrorCodes.Malformed, $"Route type {route} is not supported; queues use route types 0 and 1.");
        if (frame[10] != 0)
            throw new ProtocolException(ErrorCodes.Malformed, "Composite frames are not supported.");
        return new FrameHeader(size, BinaryPrimitives.ReadUInt32LittleEndian(frame[5..]), (RouteType)route, (MessageType)frame[11]);
    }

    /// <summary>Writes a header.</summary>
    public static void Write(Span<byte> destination, int size, uint id, RouteType route, MessageType type)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)size);
        destination[4] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[5..], id);
        destination[9] = (byte)route;
        destination[10] = 0;
        destination[11] = (byte)type;
    }
}
