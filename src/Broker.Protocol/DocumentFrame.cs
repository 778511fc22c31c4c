using System.Diagnostics.CodeAnalysis;
using Broker.Bson;

namespace Broker.Protocol;

/// <summary>
/// A frame whose body is one BSON document, the shape of every Broker message: creating it writes the header and
/// opens the document; <see cref="End"/> closes the document and writes the frame's size into the header.
/// </summary>
public ref struct DocumentFrame
{
    private readonly FrameBuffer _buffer;
    private readonly int _start;
    private readonly int _document;
    private BsonWriter _writer;

    /// <summary>Writes the header of a frame and opens its body document.</summary>
    /// <param name="buffer">Where the frame is encoded.</param>
    /// <param name="id">The frame id: the request's id, or 0 on a push.</param>
    /// <param name="route">Who started the exchange.</param>
    /// <param name="type">What the frame is.</param>
    public DocumentFrame(FrameBuffer buffer, uint id, RouteType route, MessageType type)
    {
        _buffer = buffer;
        // The header's size is written by End, once the body's length is known.
        _start = buffer.WrittenCount;
        FrameHeader.Write(buffer.GetSpan(FrameHeader.Length), 0, id, route, type);
        buffer.Advance(FrameHeader.Length);
        _writer = new BsonWriter(buffer);
        _document = _writer.WriteStartDocument();
    }

    /// <summary>Writes the body in place (take it by <c>ref</c>: a copy would lose what is written).</summary>
    [UnscopedRef]
    public ref BsonWriter Writer => ref _writer;

    /// <summary>Closes the body document and writes the frame's size into its header.</summary>
    public void End()
    {
        _writer.WriteEndDocument(_document);
        _writer.Flush();
        _buffer.PatchUInt32(_start, (uint)(_buffer.WrittenCount - _start));
    }
}
