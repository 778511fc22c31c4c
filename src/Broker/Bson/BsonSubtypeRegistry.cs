using System.Text;

namespace Broker.Bson;

/// <summary>
/// The subtypes of <typeparamref name="TBase"/> registered at run time, one static class per base so that a codec
/// asks about its own base without a lookup. Registration replaces the whole array under a lock; readers take the
/// array with one volatile read, so a lookup never locks and never sees half a registration.
/// </summary>
/// <typeparam name="TBase">The base type.</typeparam>
internal static class BsonSubtypeRegistry<TBase>
{
    private static readonly object s_gate = new();
    private static Entry[] s_entries = [];

    public static bool HasAny => Volatile.Read(ref s_entries).Length > 0;

    public static void Register(Entry entry)
    {
        lock (s_gate)
        {
            var entries = s_entries;
            foreach (var existing in entries)
            {
                if (existing.Type == entry.Type)
                {
                    // Two assemblies may both declare one subtype; the codecs they generate write the same bytes.
                    if (existing.Discriminator.AsSpan().SequenceEqual(entry.Discriminator))
                        return;
                }
                if (existing.Discriminator.AsSpan().SequenceEqual(entry.Discriminator))
                {
                    throw new InvalidOperationException(
                        $"{existing.Type.FullName} and {entry.Type.FullName} both register the discriminator '{Encoding.UTF8.GetString(entry.Discriminator)}' " +
                        $"as subtypes of {typeof(TBase).FullName}, so a reader could not tell which to create. Give one of them another name with " +
                        "[BsonDiscriminator(\"...\")], or declare only one of them.");
                }
            }
            Volatile.Write(ref s_entries, [.. entries, entry]);
        }
    }

    public static Entry? Find(Type type)
    {
        foreach (var entry in Volatile.Read(ref s_entries))
        {
            if (entry.Type == type)
                return entry;
        }
        return null;
    }

    public static Entry? Find(ReadOnlySpan<byte> discriminator)
    {
        foreach (var entry in Volatile.Read(ref s_entries))
        {
            if (discriminator.SequenceEqual(entry.Discriminator))
                return entry;
        }
        return null;
    }

    /// <summary>One registered subtype: its type, the name its <c>_t</c> ends with, and how to write and read it.</summary>
    internal abstract class Entry(Type type, byte[] discriminator)
    {
        public Type Type { get; } = type;

        public byte[] Discriminator { get; } = discriminator;

        public abstract void WriteBody(ref BsonWriter writer, TBase value);

        public abstract TBase Read(ref BsonReader reader);
    }

    internal sealed class Entry<TSubtype>(BsonSubtypeCodec<TSubtype> codec, byte[] discriminator) : Entry(typeof(TSubtype), discriminator)
        where TSubtype : TBase
    {
        public override void WriteBody(ref BsonWriter writer, TBase value) => codec.WriteBody(ref writer, (TSubtype)value!);

        public override TBase Read(ref BsonReader reader) => codec.Read(ref reader);
    }
}
