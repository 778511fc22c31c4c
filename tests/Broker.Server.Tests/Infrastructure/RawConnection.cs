using System.Buffers.Binary;
using System.Net.Sockets;
using Broker.Bson;
using Broker.Protocol;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>A frame as a test reads it off the wire.</summary>
public sealed record RawFrame(byte[] Bytes)
{
    public uint Id => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(5));

    public byte Route => Bytes[9];

    internal MessageType Type => (MessageType)Bytes[11];

    public ReadOnlyMemory<byte> Body => Bytes.AsMemory(FrameHeader.Length);

    public string Hex => Convert.ToHexStringLower(Bytes);

    /// <summary>A string field of the body, or null.</summary>
    public string? Text(string field) => Field(field, (ref BsonReader r) => r.CurrentType == BsonType.String ? r.ReadString() : null);

    /// <summary>An integer field of the body, or null.</summary>
    public long? Number(string field) => Field<long?>(field, (ref BsonReader r) => r.CurrentType is BsonType.Int32 or BsonType.Int64 or BsonType.Double ? r.ReadInt64() : null);

    /// <summary>A binary field of the body, or null.</summary>
    public byte[]? Binary(string field) => Field(field, (ref BsonReader r) => r.CurrentType == BsonType.Binary ? r.ReadBinary(out _).ToArray() : null);

    /// <summary>Broker's error code of an Error frame (<c>properties.code</c>).</summary>
    public string? ErrorCode => Field(
        "properties",
        (ref BsonReader r) =>
        {
            if (r.CurrentType != BsonType.Document) return null;
            string? code = null;
            var scope = r.ReadStartDocument();
            while (r.ReadElement(out var name))
            {
                if (name.SequenceEqual("code"u8)) code = r.ReadString();
                else r.Skip();
            }
            r.ReadEndDocument(scope);
            return code;
        });

    /// <summary>The body's field names and BSON types, in order.</summary>
    public IReadOnlyList<(string Name, BsonType Type)> Fields()
    {
        var fields = new List<(string, BsonType)>();
        var reader = new BsonReader(Body.Span);
        var scope = reader.ReadStartDocument();
        while (reader.ReadElement(out var name))
        {
            fields.Add((System.Text.Encoding.UTF8.GetString(name), reader.CurrentType));
            reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return fields;
    }

    private T? Field<T>(string field, FieldReader<T> read)
    {
        if (Body.IsEmpty) return default;
        var reader = new BsonReader(Body.Span);
        var scope = reader.ReadStartDocument();
        T? value = default;
        while (reader.ReadElement(out var name))
        {
            if (name.SequenceEqual(System.Text.Encoding.UTF8.GetBytes(field))) value = read(ref reader);
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return value;
    }

    private delegate T FieldReader<out T>(ref BsonReader reader);
}

/// <summary>A plain TCP connection that sends and receives raw frames, for protocol tests.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <param name="port">The server's loopback port.</param>
    /// <param name="receiveBufferSize">The socket's receive buffer, when a test needs a small one.</param>
    /// <param name="from">A loopback address to connect from (127.x.y.z), so the server sees another source address.</param>
    public static async Task<RawConnection> OpenAsync(int port, int? receiveBufferSize = null, System.Net.IPAddress? from = null)
    {
        var socket = from is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null) socket.Bind(new System.Net.IPEndPoint(from, 0));
        if (receiveBufferSize is { } size) socket.ReceiveBufferSize = size;
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return new RawConnection(socket);
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    public async Task SendAsync(IEnumerable<byte[]> frames)
    {
        foreach (var frame in frames) await _stream.WriteAsync(frame);
    }

    /// <summary>Stops sending (FIN); the server sees the end of the stream.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads the next frame; fails if none arrives in time or the connection closes.</summary>
    public async Task<RawFrame> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Waits.Generous);
        var header = new byte[4];
        await _stream.ReadExactlyAsync(header, cancel.Token);
        var size = BinaryPrimitives.ReadInt32LittleEndian(header);
        Assert.InRange(size, FrameHeader.Length, 64 * 1024 * 1024);
        var frame = new byte[size];
        header.CopyTo(frame, 0);
        await _stream.ReadExactlyAsync(frame.AsMemory(4), cancel.Token);
        return new RawFrame(frame);
    }

    /// <summary>Reads frames until one of <paramref name="type"/> arrives.</summary>
    internal async Task<RawFrame> ReceiveAsync(MessageType type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReceiveAsync(timeout);
            if (frame.Type == type) return frame;
        }
    }

    /// <summary>
    /// Reads and drops what arrives, a little at a time, until <paramref name="enough"/> holds (a stuck reader that reads
    /// a little, just enough for the server's pending socket write to complete, then is stuck again).
    /// </summary>
    public async Task DiscardUntilAsync(Func<bool> enough)
    {
        using var cancel = new CancellationTokenSource(Waits.Generous);
        var buffer = new byte[4096];
        while (!enough())
        {
            if (await _stream.ReadAsync(buffer, cancel.Token) == 0)
                throw new IOException("The server closed the connection.");
        }
    }

    /// <summary>True once the server closed the connection (reads what it still sends, up to the close).</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Waits.Generous);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
