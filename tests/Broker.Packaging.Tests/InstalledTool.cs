namespace Broker.Packaging.Tests;

/// <summary>
/// A dotnet tool of the repository (broker-server, the broker command line) installed from the feed with
/// <c>dotnet tool install</c> into a tool path outside the repository, as a user installs it.
/// </summary>
internal sealed class InstalledTool
{
    public required string Root { get; init; }

    public required string CommandName { get; init; }

    public required DotnetCli.Result Install { get; init; }

    public string Command => Path.Combine(Root, OperatingSystem.IsWindows() ? CommandName + ".exe" : CommandName);

    /// <param name="packed">The feed.</param>
    /// <param name="packageId">The tool's package.</param>
    /// <param name="commandName">The command the package installs.</param>
    public static async Task<InstalledTool> InstallAsync(PackedRepository packed, string packageId, string commandName)
    {
        packed.AssertPacked();
        // One tool path per package: two tools in one path would share its store, which is not what a user tests.
        var root = Path.Combine(packed.Root, "tools-" + commandName);
        var install = await DotnetCli.RunAsync(packed.Root, Packing.StepTimeout,
            "tool", "install", packageId, "--tool-path", root, "--version", packed.Version);
        return new InstalledTool { Root = root, CommandName = commandName, Install = install };
    }

    /// <summary>Runs the installed command.</summary>
    public Task<DotnetCli.Result> RunAsync(params string[] arguments)
    {
        Assert.True(Install.ExitCode == 0, $"dotnet tool install failed: {Install}");
        return DotnetCli.RunProgramAsync(Command, Root, TimeSpan.FromMinutes(1), arguments);
    }
}
