using System.Globalization;

namespace Broker.Packaging.Tests;

/// <summary>
/// Packs src/Broker.Server into a folder feed, installs it with <c>dotnet tool install</c> into a tool path outside the
/// repository, as a user installs the broker-server tool, and runs the installed command.
/// </summary>
public sealed class ServerToolFixture : IAsyncLifetime
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    public string Version { get; } = "0.1.0-tooltest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "broker-tool-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Root, "feed");

    public string Tools => Path.Combine(Root, "tools");

    public string Command => Path.Combine(Tools, OperatingSystem.IsWindows() ? "broker-server.exe" : "broker-server");

    // Each step runs only when the one before it succeeded; null means it did not run.
    internal DotnetCli.Result? Pack { get; private set; }

    internal DotnetCli.Result? Install { get; private set; }

    /// <summary>What every step that ran printed, for failure messages.</summary>
    internal string Log => string.Join("\n", new[] { Pack, Install }.Where(r => r is not null));

    public async Task InitializeAsync()
    {
        var repository = PackageFixture.RepositoryRoot();
        Directory.CreateDirectory(Root);
        Pack = await DotnetCli.RunAsync(repository, StepTimeout,
            "pack", Path.Combine(repository, "src", "Broker.Server", "Broker.Server.csproj"), "-c", "Release", "-o", Feed,
            $"-p:PackageVersion={Version}", "--disable-build-servers", "-nodeReuse:false");
        if (Pack.ExitCode != 0) return;

        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                           Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), FreshProject.NuGetConfig(Feed, Path.Combine(Root, "packages"), userPackages));
        Install = await DotnetCli.RunAsync(Root, StepTimeout, "tool", "install", "Broker.Server", "--tool-path", Tools, "--version", Version);
    }

    /// <summary>Runs the installed broker-server command.</summary>
    internal Task<DotnetCli.Result> RunAsync(params string[] arguments) =>
        DotnetCli.RunProgramAsync(Command, Root, TimeSpan.FromMinutes(1), arguments);

    public Task DisposeAsync()
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
