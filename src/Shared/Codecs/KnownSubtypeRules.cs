using System.Linq;
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
        else if (Clash(subtype, compilation) is { } clash)
            problem = clash;
        else if (!CodecParser.TryParse(subtype, compilation, cancellationToken, out codecs, out var unsupported))
            problem = "its codec cannot be generated. " + unsupported!.Path + ": '" + unsupported.TypeName + "' " + unsupported.Reason;
        return problem is null;
    }

    /// <summary>
    /// The classes whose codecs the subtype is registered with: every class it derives from, up to (not including)
    /// <c>object</c>, as far as the generated code can name them. Not only the declared base and its bases: a value of
    /// the subtype may be declared as any class between them, and MongoDB.Bson writes and reads it as each of them.
    /// </summary>
    public static System.Collections.Generic.List<INamedTypeSymbol> RegisteredUnder(INamedTypeSymbol subtype, Compilation compilation)
    {
        var bases = new System.Collections.Generic.List<INamedTypeSymbol>();
        for (var current = subtype.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            if (!compilation.IsSymbolAccessibleWithin(current, compilation.Assembly))
                break;
            bases.Add(current);
        }
        return bases;
    }

    /// <summary>The concrete classes a declaration registers: the subtype, and those its own <c>[BsonKnownTypes]</c> reach.</summary>
    public static System.Collections.Generic.List<INamedTypeSymbol> Registered(INamedTypeSymbol subtype)
    {
        var registered = Closure(subtype, concreteOnly: true);
        if (!subtype.IsAbstract)
            registered.Insert(0, subtype);
        return registered;
    }

    /// <summary>
    /// Why two declarations of one assembly cannot both be registered: a class each registers has the same
    /// discriminator under a class both derive from, which the registry refuses when the module initializer runs (and
    /// with it every use of the assembly); null when they can.
    /// </summary>
    public static string? ClashBetween(INamedTypeSymbol subtype, INamedTypeSymbol earlier, Compilation compilation)
    {
        var shared = RegisteredUnder(earlier, compilation);
        var common = RegisteredUnder(subtype, compilation).FirstOrDefault(b => shared.Contains(b, SymbolEqualityComparer.Default));
        if (common is null)
            return null;
        var theirs = Registered(earlier);
        foreach (var type in Registered(subtype))
        {
            var discriminator = Polymorphism.OwnDiscriminator(type);
            foreach (var other in theirs)
            {
                if (SymbolEqualityComparer.Default.Equals(type, other) || Polymorphism.OwnDiscriminator(other) != discriminator)
                    continue;
                return WhoseDiscriminator(type, subtype, discriminator) + " is already that of " + Names.DisplayName(other) + ", which another [assembly: BsonKnownSubtype] of this assembly " +
                       "registers under " + Names.DisplayName(common) + " too, so a reader could not tell them apart (and the registration would " +
                       "fail when the assembly loads); give one of them another with [BsonDiscriminator(\"...\")]";
            }
        }
        return null;
    }

    // Each codec the subtype is registered with compares a document's _t with its own name and those of the types its
    // [BsonKnownTypes] reach before it asks the registry, so a registered class (the subtype, or one its own
    // [BsonKnownTypes] lists) named like one of those would never be read back as itself: the reader would create the
    // other class, silently.
    private static string? Clash(INamedTypeSymbol subtype, Compilation compilation)
    {
        var registered = Registered(subtype);
        foreach (var owner in RegisteredUnder(subtype, compilation))
        {
            var known = Closure(owner, concreteOnly: false);
            known.Insert(0, owner);
            foreach (var type in registered)
            {
                var discriminator = Polymorphism.OwnDiscriminator(type);
                foreach (var other in known)
                {
                    if (registered.Contains(other, SymbolEqualityComparer.Default) || Polymorphism.OwnDiscriminator(other) != discriminator)
                        continue;
                    return WhoseDiscriminator(type, subtype, discriminator) + " is already that of " + Names.DisplayName(other) + ", which the codec of " + Names.DisplayName(owner) +
                           " knows, so a reader would create that instead; give it another with [BsonDiscriminator(\"...\")]";
                }
            }
        }
        return null;
    }

    // The start of a clash's reason: the subtype's own discriminator, or that of a class its [BsonKnownTypes] lists.
    private static string WhoseDiscriminator(INamedTypeSymbol type, INamedTypeSymbol subtype, string discriminator) =>
        SymbolEqualityComparer.Default.Equals(type, subtype)
            ? "its discriminator '" + discriminator + "'"
            : "the discriminator '" + discriminator + "' of " + Names.DisplayName(type) + ", which it lists in [BsonKnownTypes],";

    // The classes a type's [BsonKnownTypes] reach, followed through each listed class's own, as its codec knows them.
    private static System.Collections.Generic.List<INamedTypeSymbol> Closure(INamedTypeSymbol type, bool concreteOnly)
    {
        var found = new System.Collections.Generic.List<INamedTypeSymbol>();
        var visited = new System.Collections.Generic.HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { type };
        var pending = new System.Collections.Generic.Queue<INamedTypeSymbol>();
        pending.Enqueue(type);
        while (pending.Count > 0)
        {
            foreach (var known in BsonAttributes.KnownTypesOf(pending.Dequeue()))
            {
                if (known is not INamedTypeSymbol named || !visited.Add(named))
                    continue;
                pending.Enqueue(named);
                if (!concreteOnly || !named.IsAbstract)
                    found.Add(named);
            }
        }
        return found;
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
