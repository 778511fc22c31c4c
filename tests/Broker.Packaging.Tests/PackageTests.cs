using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Xml.Linq;

namespace Broker.Packaging.Tests;

/// <summary>
/// Which packages the repository makes and what they hold: one Broker package for the common case (channels, the
/// generator and analyzers, the in-memory and the shared embedded brokers, the server's client, hosting), whose
/// assemblies find everything they reference, and one more package per adapter or add-on.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed class PackageTests(PackedRepository packed)
{
    // The client and the protocol too: UseEmbedded needs them, and the same assembly in two packages fails an application
    // that references both (CS0433).
    [Fact]
    public void BundledProjectsShipInsideBrokerNotAsPackagesOfTheirOwn()
    {
        var ids = packed.PackageIds();

        Assert.Subset(ids.ToHashSet(), new HashSet<string> { "Broker", "Broker.Nats", "Broker.OpenTelemetry", "Broker.MongoDB", "Broker.Testing", "Broker.Server", "Broker.Cli", "Broker.Dashboard" });
        Assert.Empty(ids.Intersect(["Broker.Engine", "Broker.Embedded", "Broker.Server.Core", "Broker.Client", "Broker.Protocol", "Broker.Hosting", "Broker.Package"]));
    }

    [Fact]
    public void BrokerPackageCarriesSevenAssembliesWithTheirDocsAndTheCompileTimeAssemblies()
    {
        using var package = packed.OpenPackage("Broker");
        var entries = package.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal) || n.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "analyzers/dotnet/cs/Broker.Analyzers.CodeFixes.dll",
                "analyzers/dotnet/cs/Broker.Analyzers.dll",
                "analyzers/dotnet/cs/Broker.Generators.dll",
                "lib/net10.0/Broker.Client.dll",
                "lib/net10.0/Broker.Client.xml",
                "lib/net10.0/Broker.Embedded.dll",
                "lib/net10.0/Broker.Embedded.xml",
                "lib/net10.0/Broker.Engine.dll",
                "lib/net10.0/Broker.Engine.xml",
                "lib/net10.0/Broker.Hosting.dll",
                "lib/net10.0/Broker.Hosting.xml",
                "lib/net10.0/Broker.Protocol.dll",
                "lib/net10.0/Broker.Protocol.xml",
                "lib/net10.0/Broker.Server.Core.dll",
                "lib/net10.0/Broker.Server.Core.xml",
                "lib/net10.0/Broker.dll",
                "lib/net10.0/Broker.xml",
            ],
            entries);
    }

    [Fact]
    public void BrokerSymbolPackageHoldsThePdbOfEachAssembly()
    {
        packed.AssertPacked();
        using var symbols = ZipFile.OpenRead(packed.SymbolsPath("Broker"));

        Assert.Equal(
            [
                "lib/net10.0/Broker.Client.pdb",
                "lib/net10.0/Broker.Embedded.pdb",
                "lib/net10.0/Broker.Engine.pdb",
                "lib/net10.0/Broker.Hosting.pdb",
                "lib/net10.0/Broker.Protocol.pdb",
                "lib/net10.0/Broker.Server.Core.pdb",
                "lib/net10.0/Broker.pdb",
            ],
            symbols.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".pdb", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    // The package's dependencies are those of its seven assemblies (the build checks the list against their projects);
    // it needs no other package of this repository.
    [Fact]
    public void BrokerPackageDependsOnWhatItsAssembliesUseAndOnNoOtherBrokerPackage()
    {
        using var package = packed.OpenPackage("Broker");
        var dependencies = Dependencies(package).Keys.ToList();

        Assert.Subset(dependencies.ToHashSet(), new HashSet<string>
        {
            "Microsoft.Extensions.DependencyInjection.Abstractions",  // Broker
            "System.IO.Hashing",                                      // Broker: ExactlyOnce hashes
            "Microsoft.Extensions.Hosting.Abstractions",              // Broker.Hosting: hosted consumers
            "Microsoft.Extensions.Diagnostics.HealthChecks",          // Broker.Hosting: AddHealthChecks().AddBroker()
        });
        Assert.All(dependencies, id => Assert.DoesNotMatch("^Broker", id));
    }

    // A dependency on a package this repository does not make (Broker.Engine, say) would fail every restore.
    [Fact]
    public void EveryDependencyOnARepositoryPackageNamesOneInTheFeedAtTheSameVersion()
    {
        var ids = packed.PackageIds();
        var wrong = new List<string>();
        foreach (var id in ids)
        {
            using var package = packed.OpenPackage(id);
            foreach (var (dependency, version) in Dependencies(package).Where(d => d.Key.StartsWith("Broker", StringComparison.Ordinal)))
            {
                if (!ids.Contains(dependency) || version != packed.Version)
                    wrong.Add($"{id} depends on {dependency} {version}");
            }
        }

        Assert.True(wrong.Count == 0, $"Dependencies on packages the feed ({string.Join(", ", ids)}) does not hold at {packed.Version}:\n{string.Join("\n", wrong)}");
    }

    // One extra package each for NATS, the test harness and the dashboard: they bring Broker with its analyzers folder
    // (include="All"), so a project that references only one of them still gets the generator.
    [Theory]
    [InlineData("Broker.Nats", "Broker")]
    [InlineData("Broker.Testing", "Broker")]
    [InlineData("Broker.Dashboard", "Broker")]
    public void ExtraPackageDependsOnBrokerWithItsAnalyzers(string id, string repositoryDependencies)
    {
        using var package = packed.OpenPackage(id);
        var dependencies = Dependencies(package);

        Assert.Equal(repositoryDependencies.Split(',').Order(StringComparer.Ordinal), dependencies.Keys.Where(k => k.StartsWith("Broker", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var broker = DependencyElement(package, "Broker");
        Assert.DoesNotContain("Analyzers", (string?)broker.Attribute("exclude") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal("All", (string?)broker.Attribute("include"));
    }

    // What CheckBundledDependencies checks in the projects, checked in the package: every assembly an assembly of lib/
    // references is in the package, in the shared framework, or in a package NuGet restored for Broker's dependencies
    // in a new application that references Broker alone (the fresh worker's project.assets.json, walked from Broker;
    // what that application adds itself, Microsoft.Extensions.Hosting, does not count).
    [Fact]
    public async Task EveryAssemblyInTheBrokerPackageFindsWhatItReferences()
    {
        var app = await packed.FreshApp;
        Assert.True(app.Build.ExitCode == 0, $"The fresh application did not build: {app.Build}");
        var available = RuntimeAssembliesOfDependencies(Path.Combine(app.Directory, "obj", "project.assets.json"), "Broker", packed.Version);
        available.UnionWith(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Select(file => Path.GetFileNameWithoutExtension(file)));

        using var package = packed.OpenPackage("Broker");
        var assemblies = package.Entries.Where(e => e.FullName.StartsWith("lib/net10.0/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        available.UnionWith(assemblies.Select(e => Path.GetFileNameWithoutExtension(e.Name)));
        var missing = new List<string>();
        foreach (var entry in assemblies)
        {
            foreach (var reference in AssemblyReferences(entry))
            {
                if (!available.Contains(reference))
                    missing.Add($"{entry.Name} references {reference}");
            }
        }

        Assert.Equal(7, assemblies.Count);
        Assert.True(missing.Count == 0, $"Assemblies neither in the package, nor in the shared framework, nor in its dependencies:\n{string.Join("\n", missing)}");
    }

    /// <summary>The names of the assemblies a package reference's dependencies bring at run time, transitively.</summary>
    private static HashSet<string> RuntimeAssembliesOfDependencies(string assetsFile, string id, string version)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var target = assets.RootElement.GetProperty("targets").GetProperty("net10.0");
        var libraries = target.EnumerateObject().ToDictionary(p => p.Name.Split('/')[0], p => p.Value, StringComparer.OrdinalIgnoreCase);
        Assert.True(target.TryGetProperty($"{id}/{version}", out var root), $"{assetsFile} has no {id}/{version}.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<JsonElement>([root]);
        while (pending.TryPop(out var library))
        {
            if (!library.TryGetProperty("dependencies", out var dependencies))
                continue;
            foreach (var dependency in dependencies.EnumerateObject().Where(d => seen.Add(d.Name)))
            {
                // NuGet prunes a package the framework already provides: it is not in the graph, its assemblies are.
                if (!libraries.TryGetValue(dependency.Name, out var restored))
                    continue;
                pending.Push(restored);
                if (restored.TryGetProperty("runtime", out var runtime))
                    names.UnionWith(runtime.EnumerateObject().Select(a => Path.GetFileNameWithoutExtension(a.Name)).Where(n => n != "_"));
            }
        }
        return names;
    }

    private static List<string> AssemblyReferences(ZipArchiveEntry entry)
    {
        using var image = new MemoryStream();
        using (var stream = entry.Open())
            stream.CopyTo(image);
        image.Position = 0;
        using var reader = new PEReader(image);
        var metadata = reader.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
    }

    /// <summary>The package's dependencies, by id, with their versions.</summary>
    private static Dictionary<string, string?> Dependencies(ZipArchive package) =>
        PackedRepository.Nuspec(package).Descendants()
            .Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));

    private static XElement DependencyElement(ZipArchive package, string id) =>
        PackedRepository.Nuspec(package).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == id);
}
