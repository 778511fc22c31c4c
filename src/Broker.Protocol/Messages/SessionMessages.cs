using System.Globalization;
using Broker.Bson;

namespace Broker.Protocol.Messages;

/// <summary>Authenticate (6): <c>{token}</c> as Deepkit sends it, or <c>{user, password}</c>.</summary>
public readonly record struct AuthenticateRequest(string? Token, string? User, string? Password) : IRequestFrame
{
    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">A required field is missing or a value is invalid.</exception>
    public static AuthenticateRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Authenticate);
        string? token = null, user = null, password = null;
        while (reader.ReadElement(out var name))
        {
            if (reader.TryReadNull()) continue;
            if (name.SequenceEqual("token"u8))
            {
                // Deepkit sends whatever the application set; a number is accepted as its text.
                token = reader.CurrentType == BsonType.String ? reader.ReadString() : Wire.Describe(Wire.ReadNumber(ref reader));
            }
            else if (name.SequenceEqual("user"u8)) user = reader.ReadString();
            else if (name.SequenceEqual("password"u8)) password = reader.ReadString();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new AuthenticateRequest(token, user, password);
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Authenticate);
        ref var writer = ref frame.Writer;
        if (Token is not null) writer.WriteString("token"u8, Token);
        if (User is not null) writer.WriteString("user"u8, User);
        if (Password is not null) writer.WriteString("password"u8, Password);
        frame.End();
    }
}

/// <summary>AuthenticateResponse (13): <c>{username}</c>.</summary>
public static class AuthenticateResponse
{
    /// <summary>Writes the reply to request <paramref name="id"/> for the authenticated <paramref name="username"/>.</summary>
    public static void Write(FrameBuffer buffer, uint id, string username)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.AuthenticateResponse);
        ref var writer = ref frame.Writer;
        writer.WriteString("username"u8, username);
        frame.End();
    }
}

/// <summary>Hello (160): <c>{v: protocol version, s: session id (16 bytes), n?: client name}</c>.</summary>
public readonly record struct HelloRequest(int Version, UInt128 Session, string? Name) : IRequestFrame
{
    /// <summary>The protocol version this library speaks.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Parses a body.</summary>
    /// <exception cref="ProtocolException">A required field is missing or a value is invalid.</exception>
    public static HelloRequest Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Hello);
        int? version = null;
        UInt128? session = null;
        string? name = null;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("v"u8)) version = reader.ReadInt32();
            else if (field.SequenceEqual("s"u8)) session = Wire.ReadKey(ref reader, "s");
            else if (field.SequenceEqual("n"u8) && !reader.TryReadNull()) name = reader.ReadString();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new HelloRequest(version ?? throw Wire.Missing(MessageType.Hello, "v"), session ?? throw Wire.Missing(MessageType.Hello, "s"), name);
    }

    /// <inheritdoc />
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Hello);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("v"u8, Version);
        Wire.WriteKey(ref writer, "s"u8, Session);
        if (Name is not null) writer.WriteString("n"u8, Name);
        frame.End();
    }
}

/// <summary>Welcome (161): <c>{v, r: resumed, m: max message bytes, f: max frame bytes, n: server name}</c>.</summary>
public readonly record struct WelcomeReply(int Version, bool Resumed, int MaxMessageBytes, int MaxFrameBytes, string Server)
{
    /// <summary>Parses a body; absent fields are 0, false or empty.</summary>
    public static WelcomeReply Read(ReadOnlySpan<byte> body)
    {
        var reader = new BsonReader(body);
        var scope = Wire.Open(ref reader, body, MessageType.Welcome);
        int version = 0, maxMessage = 0, maxFrame = 0;
        var resumed = false;
        var server = string.Empty;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("v"u8)) version = reader.ReadInt32();
            else if (field.SequenceEqual("r"u8)) resumed = reader.ReadBoolean();
            else if (field.SequenceEqual("m"u8)) maxMessage = reader.ReadInt32();
            else if (field.SequenceEqual("f"u8)) maxFrame = reader.ReadInt32();
            else if (field.SequenceEqual("n"u8)) server = reader.ReadString();
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new WelcomeReply(version, resumed, maxMessage, maxFrame, server);
    }

    /// <summary>Writes the reply to the Hello request <paramref name="id"/>.</summary>
    public void Write(FrameBuffer buffer, uint id)
    {
        var frame = new DocumentFrame(buffer, id, RouteType.Client, MessageType.Welcome);
        ref var writer = ref frame.Writer;
        writer.WriteInt32("v"u8, Version);
        writer.WriteBoolean("r"u8, Resumed);
        writer.WriteInt32("m"u8, MaxMessageBytes);
        writer.WriteInt32("f"u8, MaxFrameBytes);
        writer.WriteString("n"u8, Server);
        frame.End();
    }
}

/// <summary>An Error (1) body as a client reads it: the message and Broker's code from <c>properties.code</c>.</summary>
public readonly record struct ErrorReply(string Code, string Message)
{
    /// <summary>
    /// Parses a body (written by <see cref="FrameWriter.WriteError"/>, or by a Deepkit server); a missing message or
    /// code reads as <see cref="ErrorCodes.ServerError"/> with a sentence saying so.
    /// </summary>
    public static ErrorReply Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return new ErrorReply(ErrorCodes.ServerError, "The server reported an error without a description.");
        var reader = new BsonReader(body);
        var scope = reader.ReadStartDocument();
        var message = "The server reported an error without a description.";
        var code = ErrorCodes.ServerError;
        while (reader.ReadElement(out var field))
        {
            if (field.SequenceEqual("message"u8) && reader.CurrentType == BsonType.String) message = reader.ReadString();
            else if (field.SequenceEqual("properties"u8) && reader.CurrentType == BsonType.Document)
            {
                var properties = reader.ReadStartDocument();
                while (reader.ReadElement(out var property))
                {
                    if (property.SequenceEqual("code"u8) && reader.CurrentType == BsonType.String) code = reader.ReadString();
                    else reader.Skip();
                }
                reader.ReadEndDocument(properties);
            }
            else reader.Skip();
        }
        reader.ReadEndDocument(scope);
        return new ErrorReply(code, message);
    }

    /// <summary>The code and the message, for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Code}: {Message}");
}
