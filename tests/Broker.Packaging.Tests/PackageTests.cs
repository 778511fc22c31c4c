using System.IO.Compression;
using System.Xml.Linq;

namespace Broker.Packaging.Tests;

/// <summary>
/// One PackageReference to Broker gives an application the runtime, the source generator and the analyzers: a fresh
/// project outside the repository builds against the packed package, uses the generated code, and gets a BRK error
/// for a bad declaration.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed class PackageTests(PackageFixture fixture) : IClassFixture<PackageFixture>
{
    private DotnetCli.Result Succeeded(DotnetCli.Result? step, string name)
    {
        Assert.True(step is not null, $"{name} did not run because an earlier step failed:\n{fixture.Log}");
        Assert.True(step.ExitCode == 0, $"{name} failed: {step}");
        return step;
    }

    [Fact]
    public void PackProducesOneBrokerPackage()
    {
        Succeeded(fixture.Pack, "dotnet pack");
        Assert.Equal([Path.GetFileName(fixture.PackagePath)], Directory.GetFiles(fixture.Feed).Select(Path.GetFileName));
    }

    [Fact]
    public void PackageCarriesTheRuntimeAndTheCompileTimeAssemblies()
    {
        Succeeded(fixture.Pack, "dotnet pack");
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("lib/net10.0/Broker.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Broker.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Broker.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Broker.Analyzers.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Broker.Generators", StringComparison.Ordinal));
    }

    [Fact]
    public void PackageDependsOnNoCompileTimeProject()
    {
        Succeeded(fixture.Pack, "dotnet pack");
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();

        Assert.NotEmpty(dependencies);
        Assert.All(dependencies, id => Assert.DoesNotMatch("^Broker", id));
    }

    // Applications usually reference Broker.Hosting for AddBroker and AddConsumer; they must get the generator and the
    // analyzers (BRK0014 is about AddConsumer) without a second PackageReference.
    [Fact]
    public void HostingPackageDependsOnBrokerWithItsAnalyzers()
    {
        Succeeded(fixture.PackHosting, "dotnet pack of Broker.Hosting");
        using var package = ZipFile.OpenRead(fixture.HostingPackagePath);
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var broker = XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Broker");

        Assert.Equal(fixture.Version, (string?)broker.Attribute("version"));
        Assert.DoesNotContain("Analyzers", (string?)broker.Attribute("exclude") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal("All", (string?)broker.Attribute("include"));
    }

    // The wire protocol is its own package, shared by the client and the server instead of living in the client.
    [Fact]
    public void ProtocolPackageCarriesTheProtocolAssemblyAndDependsOnBroker()
    {
        Succeeded(fixture.PackProtocol, "dotnet pack of Broker.Protocol");
        using var package = ZipFile.OpenRead(fixture.ProtocolPackagePath);

        Assert.Contains("lib/net10.0/Broker.Protocol.dll", package.Entries.Select(e => e.FullName));
        Assert.Equal(new Dictionary<string, string?> { ["Broker"] = fixture.Version }, BrokerDependencies(package));
    }

    [Fact]
    public void ClientPackageDependsOnTheProtocolPackage()
    {
        Succeeded(fixture.PackClient, "dotnet pack of Broker.Client");
        using var package = ZipFile.OpenRead(fixture.ClientPackagePath);

        Assert.Contains("lib/net10.0/Broker.Client.dll", package.Entries.Select(e => e.FullName));
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith("Broker.Protocol.dll", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<string, string?> { ["Broker"] = fixture.Version, ["Broker.Protocol"] = fixture.Version }, BrokerDependencies(package));
    }

    /// <summary>The package's dependencies on this repository's packages, by id, with their versions.</summary>
    private static Dictionary<string, string?> BrokerDependencies(ZipArchive package)
    {
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec).Descendants()
            .Where(e => e.Name.LocalName == "dependency" && ((string?)e.Attribute("id") ?? "").StartsWith("Broker", StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));
    }

    [Fact]
    public void FreshProjectBuildsWithTheGeneratedCodeAndNoWarnings()
    {
        var build = Succeeded(fixture.Build, "dotnet build");
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

        // EmitCompilerGeneratedFiles writes what the generator added to the compilation: it came from the package.
        var generated = Path.Combine(fixture.App, "obj", "Debug", "net10.0", "generated", "Broker.Generators", "Broker.Generators.ChannelGenerator");
        Assert.True(File.Exists(Path.Combine(generated, "Shop.IOrderChannel.Channel.g.cs")), $"No generated channel under {generated}.");
        Assert.True(File.Exists(Path.Combine(generated, "Shop.OrderCodec.g.cs")), $"No generated codec under {generated}.");
    }

    [Fact]
    public void FreshProjectRunsTheGeneratedRegistrationImplementationAndCodec()
    {
        var run = Succeeded(fixture.Run, "the application");

        Assert.Contains("channels: Shop.IOrderChannel", run.Output, StringComparison.Ordinal);
        Assert.Contains("definition: shop/orders ExactlyOnce 00:05:00", run.Output, StringComparison.Ordinal);
        Assert.Contains("round trip: 7 Ada tea+cake", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void BadDeclarationFailsTheBuildWithABrokerError()
    {
        var build = fixture.BuildWithBadDeclaration;
        Assert.True(build is not null, "The build with the bad declaration did not run because an earlier step failed:\n" + fixture.Log);

        Assert.True(build.ExitCode != 0, "The build with a non-partial channel interface succeeded:\n" + build);
        Assert.Matches(@"RefundChannel\.cs\(6,18\): error BRK0001: Channel interface 'IRefundChannel' must be partial", build.Output);
    }
}
