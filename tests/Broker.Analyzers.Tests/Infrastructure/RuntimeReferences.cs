using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>
/// The assemblies test sources compile against, taken from the running runtime instead of downloaded reference packs,
/// so the tests need no network: the shared framework this test host runs on, plus Broker and what Broker references.
/// </summary>
internal static class RuntimeReferences
{
    public static ImmutableArray<MetadataReference> All { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var broker = typeof(ChannelAttribute).Assembly;
        var brokerDependencies = broker.GetReferencedAssemblies().Select(a => a.Name + ".dll").ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Only the framework and Broker's own dependencies: the test host also loads Roslyn, xunit and the analyzers,
        // which test sources must not see (the analyzers even define a second Broker.ChannelNameRules).
        var paths = trusted
            .Where(path => Path.GetDirectoryName(path) == frameworkDirectory || brokerDependencies.Contains(Path.GetFileName(path)))
            .Append(broker.Location)
            .Distinct(StringComparer.Ordinal);
        return [.. paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }
}
