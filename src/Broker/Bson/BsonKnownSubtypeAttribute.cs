namespace Broker;

/// <summary>
/// Declares, in the assembly that defines the subtype, that it is a known subtype of
/// the base type, a class of another assembly: what <c>[BsonKnownTypes]</c> on the base says for a
/// subtype of the same assembly, which the base's assembly cannot say about a class it does not reference.
/// </summary>
/// <remarks>
/// <para>
/// The source generator of this assembly emits the subtype's BSON codec and registers it, from a module initializer,
/// with the base's: the codec of the base type, generated in the base's assembly, then writes a
/// subtype value with its <c>_t</c> discriminator first and reads it back, with the bytes of
/// MongoDB.Bson's hierarchical discriminator convention (as if the base listed it in <c>[BsonKnownTypes]</c>). The
/// registration also holds for every other class the subtype derives from, and for the concrete classes the subtype's own
/// <c>[BsonKnownTypes]</c> lists.
/// </para>
/// <para>
/// The registration runs when this assembly is loaded, before any of its code runs: a process that writes a subtype has
/// loaded it; one that only reads must have loaded it too (by referencing it and touching one of its types, or calling
/// its generated <c>AddChannels()</c>) before the first document is read.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // In Billing.dll, which references Shared.dll (where User is a message type):
/// [assembly: BsonKnownSubtype(typeof(Shared.User), typeof(Billing.PremiumUser))]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class BsonKnownSubtypeAttribute : Attribute
{
    /// <summary>Declares <paramref name="subtype"/> a known subtype of <paramref name="baseType"/>.</summary>
    /// <param name="baseType">The base class, usually declared in a referenced assembly.</param>
    /// <param name="subtype">A non-generic class of this assembly that derives from <paramref name="baseType"/>.</param>
    public BsonKnownSubtypeAttribute(Type baseType, Type subtype)
    {
        BaseType = baseType;
        Subtype = subtype;
    }

    /// <summary>The base class.</summary>
    public Type BaseType { get; }

    /// <summary>The subtype.</summary>
    public Type Subtype { get; }
}
