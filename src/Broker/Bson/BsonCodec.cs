using System.Buffers;

namespace Broker.Bson;

/// <summary>
/// Finds generated codecs without reflection, and encodes and decodes values with them. Every assembly that declares
/// channels registers the codecs generated for it from a module initializer, which runs before any of its code does.
/// </summary>
public static class BsonCodec
{
    // In registration order, for VisitRegistered; the per-type lookup stays a static field of BsonCodecRegistry<T>.
    private static readonly List<IRegisteredCodec> s_registered = [];

    /// <summary>
    /// Registers the codec of <typeparamref name="T"/>. The first registration wins: two assemblies that both generate a
    /// codec for the same type produce the same bytes, so a second one has nothing to add.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="codec">The codec.</param>
    /// <returns>True when this codec was registered; false when one already was.</returns>
    public static bool Register<T>(IBsonCodec<T> codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (!BsonCodecRegistry<T>.Register(codec))
            return false;
        lock (s_registered)
            s_registered.Add(new RegisteredCodec<T>(codec));
        return true;
    }

    /// <summary>Calls <paramref name="visitor"/> with every codec registered so far, in registration order.</summary>
    /// <param name="visitor">The visitor.</param>
    public static void VisitRegistered(IBsonCodecVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        IRegisteredCodec[] registered;
        lock (s_registered)
            registered = [.. s_registered];
        foreach (var codec in registered)
            codec.Accept(visitor);
    }

    /// <summary>Gets the registered codec of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="codec">The codec, when one is registered.</param>
    /// <returns>True when a codec is registered.</returns>
    public static bool TryGet<T>([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IBsonCodec<T>? codec)
    {
        codec = BsonCodecRegistry<T>.Codec;
        return codec is not null;
    }

    /// <summary>The registered codec of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The codec.</returns>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    public static IBsonCodec<T> For<T>() =>
        BsonCodecRegistry<T>.Codec ?? throw new InvalidOperationException(
            $"No BSON codec is registered for {typeof(T)}. The Broker source generator emits codecs for the message types of " +
            "[Channel] interfaces (and every type they reach) in the assembly that declares the channels.");

    /// <summary>Writes <paramref name="value"/> as one BSON document into <paramref name="output"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="value">The value; not null.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void Serialize<T>(T value, IBufferWriter<byte> output)
    {
        // Not ArgumentNullException.ThrowIfNull: it takes an object, which would box a struct message.
        if (value is null)
            throw new ArgumentNullException(nameof(value));
        var writer = new BsonWriter(output);
        For<T>().Write(ref writer, value);
        writer.Flush();
    }

    /// <summary>Encodes <paramref name="value"/> as one BSON document.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="value">The value; not null.</param>
    /// <returns>The bytes.</returns>
    public static byte[] ToBson<T>(T value)
    {
        using var buffer = new PooledBufferWriter();
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one BSON document.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="bson">The bytes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="BsonFormatException">The bytes are not a valid document of this type.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> bson)
    {
        var reader = new BsonReader(bson);
        return For<T>().Read(ref reader);
    }

    private interface IRegisteredCodec
    {
        void Accept(IBsonCodecVisitor visitor);
    }

    private sealed class RegisteredCodec<T>(IBsonCodec<T> codec) : IRegisteredCodec
    {
        public void Accept(IBsonCodecVisitor visitor) => visitor.Visit(codec);
    }
}
