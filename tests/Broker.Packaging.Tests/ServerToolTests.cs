using System.IO.Compression;

namespace Broker.Packaging.Tests;

/// <summary>The server packs as the dotnet tool broker-server, installs like any tool, and runs from its tool path.</summary>
[Collection(PackingCollection.Name)]
public sealed class ServerToolTests(ServerToolFixture fixture) : IClassFixture<ServerToolFixture>
{
    private void Installed()
    {
        Assert.True(fixture.Pack is { ExitCode: 0 }, $"dotnet pack of Broker.Server failed:\n{fixture.Log}");
        Assert.True(fixture.Install is { ExitCode: 0 }, $"dotnet tool install failed:\n{fixture.Log}");
    }

    // A tool package carries its dependencies: the server speaks the protocol through Broker.Protocol and does not
    // need the client.
    [Fact]
    public void ToolPackageCarriesTheProtocolAndNotTheClient()
    {
        Assert.True(fixture.Pack is { ExitCode: 0 }, $"dotnet pack of Broker.Server failed:\n{fixture.Log}");
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var assemblies = package.Entries.Select(e => e.Name).Where(n => n.StartsWith("Broker", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("Broker.Server.dll", assemblies);
        Assert.Contains("Broker.Protocol.dll", assemblies);
        Assert.Contains("Broker.Engine.dll", assemblies);
        Assert.DoesNotContain("Broker.Client.dll", assemblies);
    }

    [Fact]
    public async Task InstalledCommandReportsItsVersion()
    {
        Installed();

        var run = await fixture.RunAsync("--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("broker-server ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledCommandRefusesAPublicAddressWithoutCredentials()
    {
        Installed();

        var run = await fixture.RunAsync("--data", Path.Combine(fixture.Root, "data"), "--listen", "0.0.0.0:1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("0.0.0.0", run.Output, StringComparison.Ordinal);
    }
}
