namespace Broker;

/// <summary>
/// Chooses how the generated BSON codecs name the elements of the types declared in an assembly
/// (<c>[assembly: BrokerNaming(BsonNaming.CamelCase)]</c>), or of one class or struct, which wins over its assembly.
/// </summary>
/// <remarks>
/// <para>
/// A type's naming belongs to the type, not to a channel: every channel and every assembly that reaches the type
/// writes it with the same element names, as the codecs shared by type (<c>BsonCodec.For&lt;T&gt;()</c>, the MongoDB
/// serializers) require. Put the attribute in the assembly that declares the message types, typically the library of
/// channels that the producers and the workers share.
/// </para>
/// <para>
/// Each class of a hierarchy is named by its own declaration, as MongoDB.Bson's conventions apply per class map.
/// Dictionary keys, discriminators (<c>_t</c>) and enum names are data, and never renamed.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [assembly: BrokerNaming(BsonNaming.CamelCase)]
///
/// public sealed record User(int Id, string Username);   // { id: 1, username: "Peter" }, as Deepkit writes it
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class BrokerNamingAttribute : Attribute
{
    /// <summary>Chooses <paramref name="naming"/>.</summary>
    /// <param name="naming">The naming.</param>
    public BrokerNamingAttribute(BsonNaming naming) => Naming = naming;

    /// <summary>The naming.</summary>
    public BsonNaming Naming { get; }
}
