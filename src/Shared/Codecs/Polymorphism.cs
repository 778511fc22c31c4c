using System.Collections.Generic;
using System.Linq;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// How a class takes part in a hierarchy, the way MongoDB.Bson's hierarchical discriminator convention writes it: a
/// value whose type differs from the declared type gets <c>_t</c> first, naming its class (<c>[BsonDiscriminator]</c>
/// renames it); below a <c>[BsonDiscriminator(RootClass = true)]</c> class, <c>_t</c> is the array of names from the
/// root down and is always written. The types a reader can create are those <c>[BsonKnownTypes]</c> lists, followed
/// through each listed type's own <c>[BsonKnownTypes]</c>.
/// </summary>
internal static class Polymorphism
{
    public static bool TryBuild(INamedTypeSymbol type, string path, Compilation compilation, System.Action<INamedTypeSymbol, string> onKnownType, out PolymorphismModel model, out UnsupportedType? problem)
    {
        model = null!;
        problem = null;
        var known = new List<KnownTypeModel>();
        var visited = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { type };
        var pending = new Queue<INamedTypeSymbol>();
        pending.Enqueue(type);
        while (pending.Count > 0)
        {
            foreach (var listed in BsonAttributes.KnownTypesOf(pending.Dequeue()))
            {
                if (listed is not INamedTypeSymbol candidate || candidate.TypeKind != TypeKind.Class || !DerivesFrom(candidate, type))
                {
                    problem = new UnsupportedType(path, Names.DisplayName(type), "lists " + listed.ToDisplayString() + " in [BsonKnownTypes], which is not a class derived from it");
                    return false;
                }
                if (!visited.Add(candidate))
                    continue;
                pending.Enqueue(candidate);
                if (candidate.IsAbstract)
                    continue;
                if (candidate.IsGenericType || !compilation.IsSymbolAccessibleWithin(candidate, compilation.Assembly))
                {
                    problem = new UnsupportedType(path, Names.DisplayName(type), "lists " + Names.DisplayName(candidate) + " in [BsonKnownTypes], which is generic or not accessible to the generated code");
                    return false;
                }
                for (var level = candidate; level is not null; level = level.ContainingType)
                {
                    // Accessible, yet only its own file can name it, and the generated codecs are in other files.
                    if (level.IsFileLocal)
                    {
                        problem = new UnsupportedType(path, Names.DisplayName(type), "lists " + Names.DisplayName(candidate) + " in [BsonKnownTypes], which is file-local (or nested in a file-local type), so the generated codecs, in other files, cannot name it; make it internal or public");
                        return false;
                    }
                }
                onKnownType(candidate, path + "(" + candidate.Name + ")");
                known.Add(new KnownTypeModel(Names.TypeName(candidate), "global::" + Names.CodecNamespace(candidate) + "." + Names.CodecName(candidate), OwnDiscriminator(candidate)));
            }
        }

        if (type.IsAbstract && known.Count == 0)
        {
            problem = new UnsupportedType(path, Names.DisplayName(type), "is abstract and has no [BsonKnownTypes] naming a concrete class below it, so nothing says which class to create when reading");
            return false;
        }

        var chain = Chain(type, out var hasRootClass);
        var required = BsonAttributes.Find(type, BsonAttributes.Discriminator) is { } attribute && BsonAttributes.NamedBool(attribute, "Required");
        model = new PolymorphismModel(
            chain.ToEquatableArray(),
            AlwaysWritten: required || hasRootClass,
            CanBeDerived: type.TypeKind == TypeKind.Class && !type.IsSealed,
            IsAbstract: type.IsAbstract,
            known.OrderBy(k => k.TypeName, System.StringComparer.Ordinal).ToEquatableArray());
        return true;
    }

    /// <summary>The name <c>_t</c> gives the type: <c>[BsonDiscriminator("name")]</c>, or its own name.</summary>
    public static string OwnDiscriminator(INamedTypeSymbol type) =>
        BsonAttributes.Find(type, BsonAttributes.Discriminator) is { } attribute && BsonAttributes.FirstArgument(attribute) is string { Length: > 0 } name
            ? name
            : Names.ClrFriendlyName(type);

    // From the nearest base marked RootClass down to the type; just the type's own name when there is no root class.
    private static List<string> Chain(INamedTypeSymbol type, out bool hasRootClass)
    {
        var chain = new List<string>();
        hasRootClass = false;
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            chain.Insert(0, OwnDiscriminator(current));
            if (BsonAttributes.Find(current, BsonAttributes.Discriminator) is { } attribute && BsonAttributes.NamedBool(attribute, "RootClass"))
            {
                hasRootClass = true;
                return chain;
            }
        }
        return new List<string> { OwnDiscriminator(type) };
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
