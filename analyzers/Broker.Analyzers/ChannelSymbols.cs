using Microsoft.CodeAnalysis;

namespace Broker.Analyzers;

/// <summary>Recognises [Channel] interfaces, the way both analyzers must agree on.</summary>
internal static class ChannelSymbols
{
    /// <summary>The [Channel] attribute type of the compilation, or null when it does not reference Broker.</summary>
    public static INamedTypeSymbol? GetChannelAttributeType(Compilation compilation) =>
        compilation.GetTypeByMetadataName(ChannelDeclarationRules.ChannelAttributeMetadataName);

    /// <summary>
    /// The [Channel] attribute of an interface. Null for other symbols, and for an attribute the compiler could not
    /// bind (a missing or mistyped argument), which the compiler already reports.
    /// </summary>
    public static AttributeData? GetChannelAttribute(ISymbol symbol, INamedTypeSymbol channelAttributeType)
    {
        if (symbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } type) return null;
        foreach (var attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, channelAttributeType))
                return attribute.AttributeConstructor is null ? null : attribute;
        }
        return null;
    }
}
