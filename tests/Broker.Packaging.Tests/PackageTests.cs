using System.IO.Compression;
using System.Xml.Linq;

namespace Broker.Packaging.Tests;

/// <summary>
/// Which packages the repository makes and what they hold: one Broker package for the common case (channels, the
/// generator and analyzers, the in-memory and embedded brokers, hosting), and one more package per adapter or add-on.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed class PackageTests(PackedRepository packed)
{
    [Fact]
    public void EngineAndHostingShipInsideBrokerNotAsPackagesOfTheirOwn()
    {
        var ids = packed.PackageIds();

        Assert.Subset(ids.ToHashSet(), new HashSet<string> { "Broker", "Broker.Client", "Broker.Protocol", "Broker.Nats", "Broker.OpenTelemetry", "Broker.MongoDB", "Broker.Testing", "Broker.Server", "Broker.Cli", "Broker.Dashboard" });
        Assert.DoesNotContain("Broker.Engine", ids);
        Assert.DoesNotContain("Broker.Hosting", ids);
        Assert.DoesNotContain("Broker.Package", ids);
    }

    [Fact]
    public void BrokerPackageCarriesThreeAssembliesWithTheirDocsAndTheCompileTimeAssemblies()
    {
        using var package = packed.OpenPackage("Broker");
        var entries = package.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal) || n.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "analyzers/dotnet/cs/Broker.Analyzers.CodeFixes.dll",
                "analyzers/dotnet/cs/Broker.Analyzers.dll",
                "analyzers/dotnet/cs/Broker.Generators.dll",
                "lib/net10.0/Broker.Engine.dll",
                "lib/net10.0/Broker.Engine.xml",
                "lib/net10.0/Broker.Hosting.dll",
                "lib/net10.0/Broker.Hosting.xml",
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
            ["lib/net10.0/Broker.Engine.pdb", "lib/net10.0/Broker.Hosting.pdb", "lib/net10.0/Broker.pdb"],
            symbols.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".pdb", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    // The package's dependencies are those of its three assemblies (the build checks the list against their projects);
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

    // One extra package each for the server, NATS, the test harness and the dashboard: they bring Broker with its analyzers folder
    // (include="All"), so a project that references only one of them still gets the generator.
    [Theory]
    [InlineData("Broker.Client", "Broker,Broker.Protocol")]
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

    // The wire protocol is its own package, shared by the client and the server instead of living in the client.
    [Fact]
    public void ClientPackageCarriesTheClientAndNotTheProtocol()
    {
        using var package = packed.OpenPackage("Broker.Client");

        Assert.Contains("lib/net10.0/Broker.Client.dll", package.Entries.Select(e => e.FullName));
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith("Broker.Protocol.dll", StringComparison.Ordinal));
    }

    /// <summary>The package's dependencies, by id, with their versions.</summary>
    private static Dictionary<string, string?> Dependencies(ZipArchive package) =>
        PackedRepository.Nuspec(package).Descendants()
            .Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));

    private static XElement DependencyElement(ZipArchive package, string id) =>
        PackedRepository.Nuspec(package).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == id);
}
