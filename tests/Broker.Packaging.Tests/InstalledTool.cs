namespace Broker.Packaging.Tests;

/// <summary>
/// broker-server installed from the feed with <c>dotnet tool install</c> into a tool path outside the repository, as a
/// user installs it.
/// </summary>
internal sealed class InstalledTool
{
    public required string Root { get; init; }

    public required DotnetCli.Result Install { get; init; }

    public string Command => Path.Combine(Root, "tools", OperatingSystem.IsWindows() ? "broker-server.exe" : "broker-server");

    public static async Task<InstalledTool> InstallAsync(PackedRepository packed)
    {
        packed.AssertPacked();
        var install = await DotnetCli.RunAsync(packed.Root, Packing.StepTimeout,
            "tool", "install", "Broker.Server", "--tool-path", Path.Combine(packed.Root, "tools"), "--version", packed.Version);
        return new InstalledTool { Root = packed.Root, Install = install };
    }

    /// <summary>Runs the installed broker-server command.</summary>
    public Task<DotnetCli.Result> RunAsync(params string[] arguments)
    {
        Assert.True(Install.ExitCode == 0, $"dotnet tool install failed: {Install}");
        return DotnetCli.RunProgramAsync(Command, Root, TimeSpan.FromMinutes(1), arguments);
    }
}
