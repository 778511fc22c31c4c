using System.Threading;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// When <c>[assembly: BsonKnownSubtype(typeof(Base), typeof(Subtype))]</c> can be honoured: the one rule the generator
/// (which emits the subtype's codec and registration) and the BRK0023 analyzer (which explains a refusal) both apply.
/// </summary>
internal static class KnownSubtypeRules
{
    public const string AttributeMetadataName = "Broker.BsonKnownSubtypeAttribute";

    /// <summary>
    /// Reads the attribute and parses the subtype's codecs; false with the reason (null when the compiler already
    /// reports the attribute, as for a missing argument) when the declaration cannot be honoured.
    /// </summary>
    public static bool TryRead(
        AttributeData attribute,
        Compilation compilation,
        CancellationToken cancellationToken,
        out INamedTypeSymbol baseType,
        out INamedTypeSymbol subtype,
        out EquatableArray<CodecModel> codecs,
        out string? problem)
    {
        baseType = null!;
        subtype = null!;
        codecs = EquatableArray<CodecModel>.Empty;
        problem = null;
        if (attribute.ConstructorArguments.Length != 2 ||
            attribute.ConstructorArguments[0].Value is not INamedTypeSymbol declaredBase ||
            attribute.ConstructorArguments[1].Value is not INamedTypeSymbol declaredSubtype)
            return false;
        baseType = declaredBase;
        subtype = declaredSubtype;

        if (baseType.TypeKind != TypeKind.Class || subtype.TypeKind != TypeKind.Class)
            problem = "both types must be classes, since only a class has subtypes that travel with a discriminator";
        else if (!DerivesFrom(subtype, baseType))
            problem = "'" + subtype.Name + "' does not derive from '" + baseType.Name + "'";
        else if (subtype.IsGenericType)
            problem = "'" + subtype.Name + "' is generic, and a discriminator names one class";
        else if (!compilation.IsSymbolAccessibleWithin(subtype, compilation.Assembly) || !compilation.IsSymbolAccessibleWithin(baseType, compilation.Assembly))
            problem = "the generated code cannot reach both types; make them public or internal";
        else if (!SymbolEqualityComparer.Default.Equals(subtype.ContainingAssembly, compilation.Assembly))
            problem = "'" + subtype.Name + "' is declared in " + subtype.ContainingAssembly.Name + "; declare it there, where its codec is generated";
        else if (ClashingType(baseType, subtype) is { } clash)
            problem = "its discriminator '" + Polymorphism.OwnDiscriminator(subtype) + "' is already that of " + Names.DisplayName(clash) +
                      ", which the codec of " + Names.DisplayName(baseType) + " knows, so a reader would create that instead; give it another with [BsonDiscriminator(\"...\")]";
        else if (!CodecParser.TryParse(subtype, compilation, cancellationToken, out codecs, out var unsupported))
            problem = "its codec cannot be generated. " + unsupported!.Path + ": '" + unsupported.TypeName + "' " + unsupported.Reason;
        return problem is null;
    }

    // The base's codec compares a document's _t with its own name and those of the types its [BsonKnownTypes] reach
    // before it asks the registry, so a subtype named like one of those
    // would never be read back as itself.
    private static INamedTypeSymbol? ClashingType(INamedTypeSymbol baseType, INamedTypeSymbol subtype)
    {
        var discriminator = Polymorphism.OwnDiscriminator(subtype);
        var visited = new System.Collections.Generic.HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { baseType };
        var pending = new System.Collections.Generic.Queue<INamedTypeSymbol>();
        pending.Enqueue(baseType);
        while (pending.Count > 0)
        {
            var current = pending.Dequeue();
            if (!SymbolEqualityComparer.Default.Equals(current, subtype) && Polymorphism.OwnDiscriminator(current) == discriminator)
                return current;
            foreach (var known in BsonAttributes.KnownTypesOf(current))
            {
                if (known is INamedTypeSymbol named && visited.Add(named))
                    pending.Enqueue(named);
            }
        }
        return null;
    }

    private static bool DerivesFrom(INamedTypeSymbol candidate, INamedTypeSymbol type)
    {
        for (var current = candidate.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, type))
                return true;
        }
        return false;
    }
}
