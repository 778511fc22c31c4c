using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers;

/// <summary>
/// The channel names the referenced assemblies already declare, for BRK0007 across project references. Only an
/// assembly that references Broker and is marked <c>[assembly: ChannelRegistry]</c> (written by the generator into
/// every assembly that has channels) is read, so the framework and packages that know nothing of Broker cost a look at
/// their reference list; and an assembly's
/// names are kept for as long as its symbol lives, which the compiler shares between the compilations an IDE makes.
/// </summary>
internal static class ReferencedChannelNames
{
    private const string RegistryAttributeMetadataName = "Broker.ChannelRegistryAttribute";

    private static readonly ConditionalWeakTable<IAssemblySymbol, Box> s_byAssembly = new();

    /// <summary>A [Channel] interface of a referenced assembly: its name, the interface and the assembly.</summary>
    public sealed record Declaration(string Name, string Interface, string Assembly);

    /// <summary>Every channel the referenced assemblies declare, by name.</summary>
    public static Dictionary<string, List<Declaration>> Of(Compilation compilation, INamedTypeSymbol channelAttributeType)
    {
        var registryAttribute = compilation.GetTypeByMetadataName(RegistryAttributeMetadataName);
        var byName = new Dictionary<string, List<Declaration>>(StringComparer.Ordinal);
        if (registryAttribute is null)
            return byName;
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (!HasRegistry(assembly, registryAttribute))
                continue;
            foreach (var declaration in s_byAssembly.GetValue(assembly, a => new Box(Read(a, channelAttributeType))).Declarations)
            {
                if (!byName.TryGetValue(declaration.Name, out var list))
                    byName.Add(declaration.Name, list = new List<Declaration>());
                list.Add(declaration);
            }
        }
        return byName;
    }

    private static bool HasRegistry(IAssemblySymbol assembly, INamedTypeSymbol registryAttribute)
    {
        // Only an assembly built against Broker can carry the attribute: the framework's hundreds are passed over
        // without decoding their attributes.
        if (!ReferencesBroker(assembly))
            return false;
        foreach (var attribute in assembly.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, registryAttribute))
                return true;
        }
        return false;
    }

    private static bool ReferencesBroker(IAssemblySymbol assembly)
    {
        foreach (var module in assembly.Modules)
        {
            foreach (var reference in module.ReferencedAssemblies)
            {
                if (reference.Name == "Broker")
                    return true;
            }
        }
        return false;
    }

    private static ImmutableArray<Declaration> Read(IAssemblySymbol assembly, INamedTypeSymbol channelAttributeType)
    {
        var found = ImmutableArray.CreateBuilder<Declaration>();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            var container = pending.Pop();
            if (container is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                    pending.Push(member);
                continue;
            }
            var type = (INamedTypeSymbol)container;
            foreach (var nested in type.GetTypeMembers())
                pending.Push(nested);
            if (ChannelSymbols.GetChannelAttribute(type, channelAttributeType) is not { } attribute)
                continue;
            var name = ChannelDeclarationRules.ReadAttribute(attribute).Name;
            if (ChannelNameRules.IsValid(name, out _))
                found.Add(new Declaration(name!, type.ToDisplayString(), assembly.Identity.Name));
        }
        return found.ToImmutable();
    }

    // ConditionalWeakTable holds reference types only.
    private sealed class Box(ImmutableArray<Declaration> declarations)
    {
        public ImmutableArray<Declaration> Declarations { get; } = declarations;
    }
}
