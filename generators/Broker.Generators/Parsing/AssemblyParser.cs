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
                foreach (var attribute in assembly.GetAttributes())
                {
                    if (!declaresSubtypes && subtypeAttribute is not null &&
                        SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, subtypeAttribute) &&
                        attribute.ConstructorArguments.Length == 2 &&
                        attribute.ConstructorArguments[1].Value is INamedTypeSymbol subtype &&
                        compilation.IsSymbolAccessibleWithin(subtype, compilation.Assembly))
                    {
                        declaresSubtypes = true;
                        subtypes.Add(new ReferencedSubtypesModel(assembly.Identity.Name, Names.TypeName(subtype)));
                    }
                    if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, registryAttribute) ||
                        attribute.ConstructorArguments.Length != 1 ||
                        attribute.ConstructorArguments[0].Value is not INamedTypeSymbol registry ||
                        !compilation.IsSymbolAccessibleWithin(registry, compilation.Assembly))
                        continue;
                    registries.Add(new ReferencedRegistryModel(assembly.Identity.Name, Names.TypeName(registry)));
                }
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
}
