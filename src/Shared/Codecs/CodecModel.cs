namespace Broker.Generators.Model;

/// <summary>Everything needed to emit the BSON codec of one class, struct or record, without holding its symbol.</summary>
/// <param name="TypeName">The type, fully qualified with <c>global::</c>.</param>
/// <param name="DisplayName">The type as people write it (<c>Sample.User</c>), for messages and the hint name.</param>
/// <param name="CodecNamespace">The namespace of the codec.</param>
/// <param name="CodecName">The simple name of the codec class.</param>
/// <param name="Members">The serialized members in MongoDB.Bson's order.</param>
/// <param name="ConstructorArity">How many arguments the constructor the codec calls takes.</param>
/// <param name="Polymorphism">How the type takes part in a hierarchy written with <c>_t</c> discriminators.</param>
/// <param name="ShortName">The type's name with its containing types (<c>User</c>, <c>Outer.Inner</c>): the first step of a null member's path.</param>
/// <param name="ChecksNulls">Writing can refuse a null inside (see <see cref="ValueModel.ChecksNulls"/>).</param>
internal sealed record CodecModel(
    string TypeName,
    string DisplayName,
    string CodecNamespace,
    string CodecName,
    EquatableArray<MemberModel> Members,
    int ConstructorArity,
    PolymorphismModel Polymorphism,
    string ShortName,
    bool ChecksNulls = false)
{
    public string CodecTypeName => "global::" + CodecNamespace + "." + CodecName;

    /// <summary>Named after the codec, which must be unique for the code to compile, rather than after the type.</summary>
    public string HintName => HintNameOf(CodecNamespace, CodecName);

    /// <summary>The hint name of a codec named <paramref name="codecName"/> in <paramref name="codecNamespace"/>.</summary>
    public static string HintNameOf(string codecNamespace, string codecName) =>
        (codecNamespace.Length > Parsing.Names.CodecRootNamespace.Length ? codecNamespace.Substring(Parsing.Names.CodecRootNamespace.Length + 1) + "." : "") +
        codecName + ".g.cs";
}

/// <summary>
/// The discriminator a type writes as <c>_t</c>, as MongoDB.Bson's hierarchical convention does: its name (or
/// <c>[BsonDiscriminator]</c>'s), or the names from the root class down when a base is <c>[BsonDiscriminator(RootClass = true)]</c>.
/// </summary>
/// <param name="Discriminators">One name, or the chain from the root class down to the type.</param>
/// <param name="AlwaysWritten">Written even when the value's type is the declared type (a required discriminator, or a root class).</param>
/// <param name="CanBeDerived">A class that is not sealed: writing checks the value's run-time type.</param>
/// <param name="IsAbstract">Cannot be created: reading needs a discriminator that names a known type.</param>
/// <param name="KnownTypes">The concrete types below it listed by <c>[BsonKnownTypes]</c>, directly or through each other.</param>
internal sealed record PolymorphismModel(
    EquatableArray<string> Discriminators,
    bool AlwaysWritten,
    bool CanBeDerived,
    bool IsAbstract,
    EquatableArray<KnownTypeModel> KnownTypes);

/// <summary>A known derived type: its discriminator, and the codec that writes and reads it.</summary>
/// <param name="TypeName">The type, fully qualified.</param>
/// <param name="CodecTypeName">Its codec, fully qualified.</param>
/// <param name="Discriminator">The name its <c>_t</c> ends with.</param>
internal sealed record KnownTypeModel(string TypeName, string CodecTypeName, string Discriminator);
