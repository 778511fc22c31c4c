using Broker.Bson;

namespace Broker.Client.Protocol;

/// <summary>
/// A frame whose body is one BSON document, the shape of every Broker message: creating it writes the header and
/// opens the document; <see cref="End"/> closes the document and writes the frame's size into the header.
/// </summary>
internal ref struct DocumentFrame
{
    private readonly FrameBuffer _buffer;
    private readonly int _start;
    private readonly int _document;

    /// <summary>Writes the body in place (take it by <c>ref</c>: a copy would lose what is written).</summary>
    public BsonWriter Writer;

    public DocumentFrame(FrameBuffer buffer, uint id, RouteType route, MessageType type)
    {
        _buffer = buffer;
        // The header's size is written by End, once the body's length is known.
        _start = buffer.WrittenCount;
        FrameHeader.Write(buffer.GetSpan(FrameHeader.Length), 0, id, route, type);
        buffer.Advance(FrameHeader.Length);
        Writer = new BsonWriter(buffer);
        _document = Writer.WriteStartDocument();
    }

    public void End()
    {
        Writer.WriteEndDocument(_document);
        Writer.Flush();
        _buffer.PatchUInt32(_start, (uint)(_buffer.WrittenCount - _start));
    }
}
