namespace Broker.Generators.Model;

/// <summary>Everything needed to emit the BSON codec of one class, struct or record, without holding its symbol.</summary>
/// <param name="TypeName">The type, fully qualified with <c>global::</c>.</param>
/// <param name="DisplayName">The type as people write it (<c>Sample.User</c>), for messages and the hint name.</param>
/// <param name="CodecNamespace">The namespace of the codec.</param>
/// <param name="CodecName">The simple name of the codec class.</param>
/// <param name="Members">The serialized members in MongoDB.Bson's order.</param>
/// <param name="ConstructorArity">How many arguments the constructor the codec calls takes.</param>
internal sealed record CodecModel(
    string TypeName,
    string DisplayName,
    string CodecNamespace,
    string CodecName,
    EquatableArray<MemberModel> Members,
    int ConstructorArity)
{
    public string CodecTypeName => "global::" + CodecNamespace + "." + CodecName;

    /// <summary>Named after the codec, which must be unique for the code to compile, rather than after the type.</summary>
    public string HintName =>
        (CodecNamespace.Length > Parsing.Names.CodecRootNamespace.Length ? CodecNamespace.Substring(Parsing.Names.CodecRootNamespace.Length + 1) + "." : "") +
        CodecName + ".g.cs";
}
