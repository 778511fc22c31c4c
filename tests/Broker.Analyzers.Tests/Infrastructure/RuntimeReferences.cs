using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>
/// The assemblies test sources compile against, taken from the running runtime instead of downloaded reference packs,
/// so the tests need no network: the shared framework this test host runs on, plus Broker, its hosting, engine,
/// embedded and server-client assemblies, the generic host, ASP.NET Core (Sample.App's HTTP API), OpenTelemetry (the
/// samples' --trace console), and everything those reference.
/// </summary>
internal static class RuntimeReferences
{
    public static ImmutableArray<MetadataReference> All { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var byName = trusted
            .GroupBy(path => Path.GetFileNameWithoutExtension(path), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        // Only the framework and what the roots need: the test host also loads Roslyn, xunit, the generator and the
        // analyzers, which test sources must not see (the analyzers even define a second Broker.ChannelNameRules).
        Assembly[] roots =
        [
            typeof(ChannelAttribute).Assembly,
            typeof(BrokerServiceCollectionExtensions).Assembly,
            typeof(Broker.Engine.QueueEngine).Assembly,
            typeof(EmbeddedBrokerExtensions).Assembly,
            typeof(ServerBrokerBuilderExtensions).Assembly,
            typeof(Host).Assembly,
            typeof(Microsoft.AspNetCore.Builder.WebApplication).Assembly,
            typeof(Microsoft.AspNetCore.Builder.HealthCheckEndpointRouteBuilderExtensions).Assembly,
            typeof(Microsoft.AspNetCore.Http.Results).Assembly,
            typeof(OpenTelemetry.Trace.BrokerTracerProviderBuilderExtensions).Assembly,
            typeof(OpenTelemetryServicesExtensions).Assembly,
            typeof(OpenTelemetry.Trace.ConsoleExporterHelperExtensions).Assembly,
        ];
        var needed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<AssemblyName>(roots.Select(a => a.GetName()));
        while (pending.TryPop(out var name))
        {
            if (!needed.Add(name.Name!) || !byName.TryGetValue(name.Name!, out var path) || Path.GetDirectoryName(path) == frameworkDirectory)
                continue;
            foreach (var reference in Assembly.LoadFrom(path).GetReferencedAssemblies())
                pending.Push(reference);
        }

        var paths = trusted
            .Where(path => Path.GetDirectoryName(path) == frameworkDirectory || needed.Contains(Path.GetFileNameWithoutExtension(path)))
            .Distinct(StringComparer.Ordinal);
        return [.. paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }
}
