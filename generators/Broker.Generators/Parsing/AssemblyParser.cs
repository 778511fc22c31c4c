using System.Linq;
using System.Threading;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Reads what the generator needs from the compilation as a whole. It runs on every edit, so it returns a small
/// equatable model: when nothing relevant changed the steps after it stay cached.
/// </summary>
internal static class AssemblyParser
{
    private const string ChannelRegistryAttributeName = "Broker.ChannelRegistryAttribute";
    private const string KnownSubtypeAttributeName = "Broker.BsonKnownSubtypeAttribute";
    private const string BrokerBuilderName = "Broker.BrokerBuilder";
    private const string ModuleInitializerAttributeName = "System.Runtime.CompilerServices.ModuleInitializerAttribute";

    public static AssemblyModel Parse(Compilation compilation, CancellationToken cancellationToken)
    {
        var assemblyName = compilation.AssemblyName ?? "Assembly";
        var registryAttribute = compilation.GetTypeByMetadataName(ChannelRegistryAttributeName);

        var subtypeAttribute = compilation.GetTypeByMetadataName(KnownSubtypeAttributeName);
        var subtypes = new System.Collections.Generic.List<ReferencedSubtypesModel>();
        var registries = new System.Collections.Generic.List<ReferencedRegistryModel>();
        if (registryAttribute is not null)
        {
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Only an assembly built against Broker can carry the attribute; the framework's hundreds are skipped
                // without decoding their attributes.
                if (!assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == "Broker")))
                    continue;
                var declaresSubtypes = false;
                INamedTypeSymbol? reachable = null;
                foreach (var attribute in assembly.GetAttributes())
                {
                    if (subtypeAttribute is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, subtypeAttribute))
                    {
                        declaresSubtypes = true;
                        if (reachable is null &&
                            attribute.ConstructorArguments.Length == 2 &&
                            attribute.ConstructorArguments[1].Value is INamedTypeSymbol subtype &&
                            Nameable(subtype, compilation))
                            reachable = subtype;
                    }
                    if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, registryAttribute) ||
                        attribute.ConstructorArguments.Length != 1 ||
                        attribute.ConstructorArguments[0].Value is not INamedTypeSymbol registry ||
                        !compilation.IsSymbolAccessibleWithin(registry, compilation.Assembly))
                        continue;
                    registries.Add(new ReferencedRegistryModel(assembly.Identity.Name, Names.TypeName(registry)));
                }
                // The subtypes may all be internal (the base's codec creates them through the registry, so nothing needs
                // to name them); any type the generated code can name reaches the same module.
                if (declaresSubtypes && (reachable ?? AnyReachableType(assembly, compilation, cancellationToken)) is { } named)
                    subtypes.Add(new ReferencedSubtypesModel(assembly.Identity.Name, Names.TypeName(named)));
            }
        }

        return new AssemblyModel(
            Names.RegistryTypeName(assemblyName),
            Names.AddChannelsClassName(assemblyName),
            assemblyName,
            compilation.GetTypeByMetadataName(BrokerBuilderName) is not null,
            compilation.GetTypeByMetadataName(ModuleInitializerAttributeName) is not null,
            registries
                .OrderBy(r => r.AssemblyName, System.StringComparer.Ordinal)
                .ThenBy(r => r.TypeName, System.StringComparer.Ordinal)
                .ToEquatableArray(),
            subtypes.OrderBy(s => s.AssemblyName, System.StringComparer.Ordinal).ToEquatableArray());
    }

    /// <summary>
    /// Whether this assembly, should it declare subtypes, lacks a type that the <c>AddChannels()</c> of any application
    /// referencing it can name to reach its module (public, top-level, non-generic, not [Obsolete] or [Experimental]: what
    /// <see cref="AnyReachableType"/> looks for there). Its subtypes would then be registered only once its code runs,
    /// so it gets a class to name. Runs on every edit, so it first looks at the syntax alone: an assembly with no
    /// assembly attribute named <c>BsonKnownSubtype</c> (nearly every one: SDK projects all have assembly attributes, in
    /// their generated AssemblyInfo) declares no subtype, and its types are never walked.
    /// </summary>
    public static bool MayNeedSubtypesAnchor(Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.GetRoot(cancellationToken) is not Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax unit)
                continue;
            foreach (var list in unit.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    if (NamesKnownSubtype(attribute.Name))
                        return !HasPublicNameableType(compilation, cancellationToken);
                }
            }
        }
        return false;
    }

    // BsonKnownSubtype or BsonKnownSubtypeAttribute, however qualified (an alias to it is not recognised: the assembly
    // then gets no anchor, as before this check existed).
    private static bool NamesKnownSubtype(Microsoft.CodeAnalysis.CSharp.Syntax.NameSyntax name)
    {
        var simple = name switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax plain => plain.Identifier.ValueText,
            _ => "",
        };
        return simple is "BsonKnownSubtype" or "BsonKnownSubtypeAttribute";
    }

    private static bool HasPublicNameableType(Compilation compilation, CancellationToken cancellationToken) =>
        FirstType(compilation.Assembly, type => type.DeclaredAccessibility == Accessibility.Public && !WarnsOrFailsWhenNamed(type), cancellationToken) is not null;

    // typeof of an [Obsolete] type warns, or fails the build when the attribute says error; typeof of an [Experimental]
    // one fails it unless its diagnostic is suppressed.
    // And typeof must bind to this very type: not to one of the same full name in this compilation's source (CS0436,
    // and the module named would be this one), nor be ambiguous with an accessible one of another reference (CS0433).
    private static bool Nameable(INamedTypeSymbol type, Compilation compilation) =>
        compilation.IsSymbolAccessibleWithin(type, compilation.Assembly) && !WarnsOrFailsWhenNamed(type) && !SharesItsName(type, compilation);

    private static bool SharesItsName(INamedTypeSymbol type, Compilation compilation)
    {
        foreach (var other in compilation.GetTypesByMetadataName(MetadataName(type)))
        {
            if (!SymbolEqualityComparer.Default.Equals(other, type) &&
                (SymbolEqualityComparer.Default.Equals(other.ContainingAssembly, compilation.Assembly) ||
                 compilation.IsSymbolAccessibleWithin(other, compilation.Assembly)))
                return true;
        }
        return false;
    }

    // Namespace.Outer+Inner`1, as reflection and GetTypesByMetadataName spell it.
    private static string MetadataName(INamedTypeSymbol type)
    {
        if (type.ContainingType is { } container)
            return MetadataName(container) + "+" + type.MetadataName;
        var parts = new System.Collections.Generic.List<string> { type.MetadataName };
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            parts.Insert(0, ns.MetadataName);
        return string.Join(".", parts);
    }

    private static bool WarnsOrFailsWhenNamed(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is "System.ObsoleteAttribute" or "System.Diagnostics.CodeAnalysis.ExperimentalAttribute");

    // A non-generic type of the assembly that this compilation can name in typeof, or null when it has none.
    private static INamedTypeSymbol? AnyReachableType(IAssemblySymbol assembly, Compilation compilation, CancellationToken cancellationToken) =>
        FirstType(assembly, type => Nameable(type, compilation), cancellationToken);

    // The first top-level non-generic type of the assembly, in any namespace, that passes the test.
    private static INamedTypeSymbol? FirstType(IAssemblySymbol assembly, System.Func<INamedTypeSymbol, bool> test, CancellationToken cancellationToken)
    {
        var pending = new System.Collections.Generic.Stack<INamespaceSymbol>();
        pending.Push(assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ns = pending.Pop();
            foreach (var type in ns.GetTypeMembers())
            {
                if (type.Arity == 0 && test(type))
                    return type;
            }
            foreach (var inner in ns.GetNamespaceMembers())
                pending.Push(inner);
        }
        return null;
    }
}
