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
