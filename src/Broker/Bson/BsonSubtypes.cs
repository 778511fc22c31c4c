using System.ComponentModel;
using System.Text;

namespace Broker.Bson;

/// <summary>
/// Composes, at run time, a base type's generated codec with the subtypes other assemblies declare with
/// <see cref="BsonKnownSubtypeAttribute"/>. The base's codec handles the types its <c>[BsonKnownTypes]</c> lists
/// itself, without a lookup; only a value of a type it does not know, or a document whose discriminator it does not
/// know, comes here. Called by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BsonSubtypes
{
    /// <summary>
    /// Registers <typeparamref name="TSubtype"/> as a known subtype of <typeparamref name="TBase"/>, written with a
    /// <c>_t</c> ending in <paramref name="discriminator"/>. Registering the same subtype again does nothing.
    /// </summary>
    /// <typeparam name="TBase">The base type.</typeparam>
    /// <typeparam name="TSubtype">The subtype.</typeparam>
    /// <param name="codec">The subtype's codec.</param>
    /// <param name="discriminator">The subtype's own discriminator, the last name of its <c>_t</c>.</param>
    /// <exception cref="InvalidOperationException">Another subtype of <typeparamref name="TBase"/> registered the same discriminator.</exception>
    public static void Register<TBase, TSubtype>(BsonSubtypeCodec<TSubtype> codec, string discriminator)
        where TSubtype : TBase
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentException.ThrowIfNullOrEmpty(discriminator);
        BsonSubtypeRegistry<TBase>.Register(new BsonSubtypeRegistry<TBase>.Entry<TSubtype>(codec, Encoding.UTF8.GetBytes(discriminator)));
    }

    /// <summary>Whether any subtype of <typeparamref name="TBase"/> was registered: a codec reads <c>_t</c> only then.</summary>
    /// <typeparam name="TBase">The base type.</typeparam>
    /// <returns>True when at least one subtype is registered.</returns>
    public static bool HasAny<TBase>() => BsonSubtypeRegistry<TBase>.HasAny;

    /// <summary>
    /// Writes the discriminator and the members of <paramref name="value"/>, whose type the codec of
    /// <typeparamref name="TBase"/> does not know, into the document that codec started.
    /// </summary>
    /// <typeparam name="TBase">The declared type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    /// <param name="baseName">The declared type as people write it, for the error.</param>
    /// <exception cref="InvalidOperationException">No subtype of that type is registered: the message says what to declare where.</exception>
    public static void WriteDerived<TBase>(ref BsonWriter writer, TBase value, string baseName)
    {
        var type = value!.GetType();
        if (BsonSubtypeRegistry<TBase>.Find(type) is not { } entry)
        {
            throw new InvalidOperationException(
                $"A {type.FullName} cannot be written as {baseName}: it is not listed in [BsonKnownTypes] on {baseName} (or on a type listed there), " +
                $"so a reader could not create it. {Fix(typeof(TBase), baseName, type)}");
        }
        entry.WriteBody(ref writer, value);
    }

    /// <summary>
    /// Reads a document whose discriminator the codec of <typeparamref name="TBase"/> does not know, with the codec of
    /// the subtype registered under it.
    /// </summary>
    /// <typeparam name="TBase">The declared type.</typeparam>
    /// <param name="reader">The reader, at the start of the document.</param>
    /// <param name="discriminator">The discriminator, from <see cref="BsonReader.PeekDiscriminator"/>.</param>
    /// <param name="baseName">The declared type as people write it, for the error.</param>
    /// <returns>The value.</returns>
    /// <exception cref="BsonFormatException">No subtype has that discriminator: the message names it and says what to declare where.</exception>
    public static TBase ReadDerived<TBase>(ref BsonReader reader, ReadOnlySpan<byte> discriminator, string baseName)
    {
        if (BsonSubtypeRegistry<TBase>.Find(discriminator) is { } entry)
            return entry.Read(ref reader);
        throw reader.UnknownDiscriminator(discriminator, baseName, typeof(TBase));
    }

    // The fix for a value whose type is known: which attribute, in which assembly.
    private static string Fix(Type baseType, string baseName, Type subtype)
    {
        var subtypeName = subtype.FullName ?? subtype.Name;
        var baseAssembly = baseType.Assembly.GetName().Name;
        var subtypeAssembly = subtype.Assembly.GetName().Name;
        return subtypeAssembly == baseAssembly
            ? $"Add [BsonKnownTypes(typeof({subtypeName}))] to {baseName}."
            : $"{subtypeName} is declared in assembly {subtypeAssembly}, not in {baseAssembly} with {baseName}: add " +
              $"[assembly: Broker.BsonKnownSubtype(typeof({baseName}), typeof({subtypeName}))] to {subtypeAssembly}.";
    }
}
