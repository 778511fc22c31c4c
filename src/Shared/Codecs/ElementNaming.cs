using System.Linq;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Reads <c>[BrokerNaming]</c> (the runtime's <c>BrokerNamingAttribute</c> and <c>BsonNaming</c>) by name, and names
/// elements by it, so the generator and the analyzers agree on every element name.
/// </summary>
internal static class ElementNaming
{
    public const string AttributeMetadataName = "Broker.BrokerNamingAttribute";

    /// <summary><c>BsonNaming.Default</c>: member names as they are, <c>Id</c> written as <c>_id</c>.</summary>
    public const int Default = 0;

    /// <summary><c>BsonNaming.CamelCase</c>: first letter in lower case, <c>Id</c> a plain member.</summary>
    public const int CamelCase = 1;

    /// <summary>
    /// The naming of the members <paramref name="type"/> declares: its own <c>[BrokerNaming]</c>, else its assembly's,
    /// else <see cref="Default"/>. False when the attribute holds a value <c>BsonNaming</c> does not define.
    /// </summary>
    public static bool TryGet(INamedTypeSymbol type, out int naming)
    {
        var attribute = Find(type.GetAttributes()) ?? Find(type.ContainingAssembly?.GetAttributes() ?? default);
        naming = attribute?.ConstructorArguments is { Length: 1 } arguments && arguments[0].Value is int value ? value : Default;
        return naming is Default or CamelCase;
    }

    /// <summary>The element name of a member under <paramref name="naming"/>, as MongoDB.Bson's <c>CamelCaseElementNameConvention</c> writes it.</summary>
    public static string Apply(string memberName, int naming) =>
        naming == CamelCase && memberName.Length > 0 ? char.ToLowerInvariant(memberName[0]) + memberName.Substring(1) : memberName;

    private static AttributeData? Find(System.Collections.Immutable.ImmutableArray<AttributeData> attributes) =>
        attributes.IsDefault ? null : attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeMetadataName);
}
