namespace Broker.Packaging.Tests;

/// <summary>
/// Packs src/Broker.Server into a folder feed, installs it with <c>dotnet tool install</c> into a tool path outside the
/// repository, as a user installs the broker-server tool, and runs the installed command.
/// </summary>
public sealed class ServerToolFixture : IAsyncLifetime
{
    public string Version { get; } = Packing.NewVersion("tooltest");

    public string Root { get; } = Packing.NewRoot("broker-tool-");

    public string Feed => Path.Combine(Root, "feed");

    public string Tools => Path.Combine(Root, "tools");

    public string PackagePath => Path.Combine(Feed, $"Broker.Server.{Version}.nupkg");

    public string Command => Path.Combine(Tools, OperatingSystem.IsWindows() ? "broker-server.exe" : "broker-server");

    // Each step runs only when the one before it succeeded; null means it did not run.
    internal DotnetCli.Result? Pack { get; private set; }

    internal DotnetCli.Result? Install { get; private set; }

    /// <summary>What every step that ran printed, for failure messages.</summary>
    internal string Log => string.Join("\n", new[] { Pack, Install }.Where(r => r is not null));

    public async Task InitializeAsync()
    {
        var repository = Packing.RepositoryRoot();
        Directory.CreateDirectory(Root);
        Pack = await Packing.PackAsync(repository, "Broker.Server", Feed, Version);
        if (Pack.ExitCode != 0) return;

        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), FreshProject.NuGetConfig(Feed, Path.Combine(Root, "packages"), Packing.UserPackages));
        Install = await DotnetCli.RunAsync(Root, Packing.StepTimeout, "tool", "install", "Broker.Server", "--tool-path", Tools, "--version", Version);
    }

    /// <summary>Runs the installed broker-server command.</summary>
    internal Task<DotnetCli.Result> RunAsync(params string[] arguments) =>
        DotnetCli.RunProgramAsync(Command, Root, TimeSpan.FromMinutes(1), arguments);

    public Task DisposeAsync()
    {
        Packing.Delete(Root);
        return Task.CompletedTask;
    }
}
