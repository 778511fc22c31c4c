namespace Broker.Bson;

/// <summary>
/// The codec of <typeparamref name="T"/>, found without reflection or dictionary lookups: one static field per type.
/// Filled through <see cref="BsonCodec.Register{T}"/> by generated module initializers.
/// </summary>
/// <typeparam name="T">The type the codec encodes.</typeparam>
internal static class BsonCodecRegistry<T>
{
    private static IBsonCodec<T>? s_codec;

    public static IBsonCodec<T>? Codec => Volatile.Read(ref s_codec);

    public static bool Register(IBsonCodec<T> codec) => Interlocked.CompareExchange(ref s_codec, codec, null) is null;
}
