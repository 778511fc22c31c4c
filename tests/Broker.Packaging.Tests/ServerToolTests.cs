using System.IO.Compression;

namespace Broker.Packaging.Tests;

/// <summary>The server packs as the dotnet tool broker-server, installs like any tool, and runs from its tool path.</summary>
[Collection(PackingCollection.Name)]
public sealed class ServerToolTests(PackedRepository packed)
{
    // A tool package carries its dependencies: the server's core (which the shared embedded broker hosts too) speaks the
    // protocol through Broker.Protocol, and neither needs the client.
    [Fact]
    public void ToolPackageCarriesTheServersCoreAndTheProtocolAndNotTheClient()
    {
        using var package = packed.OpenPackage("Broker.Server");
        var assemblies = package.Entries.Select(e => e.Name).Where(n => n.StartsWith("Broker", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("Broker.Server.dll", assemblies);
        Assert.Contains("Broker.Server.Core.dll", assemblies);
        Assert.Contains("Broker.Protocol.dll", assemblies);
        Assert.Contains("Broker.Engine.dll", assemblies);
        Assert.DoesNotContain("Broker.Client.dll", assemblies);
    }

    [Fact]
    public async Task InstalledCommandReportsItsVersion()
    {
        var tool = await packed.Tool;

        var run = await tool.RunAsync("--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("broker-server ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledCommandRefusesAPublicAddressWithoutCredentials()
    {
        var tool = await packed.Tool;

        var run = await tool.RunAsync("--data", Path.Combine(packed.Root, "data"), "--listen", "0.0.0.0:1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("0.0.0.0", run.Output, StringComparison.Ordinal);
    }
}
