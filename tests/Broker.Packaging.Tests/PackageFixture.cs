using System.Globalization;

namespace Broker.Packaging.Tests;

/// <summary>
/// Packs src/Broker once into a folder feed, then builds and runs a fresh application against it in a temporary
/// directory outside the repository, and builds it again with a bad channel declaration added.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    // A version no cache can already hold, so the application restores exactly the package packed here.
    public string Version { get; } = "0.1.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "broker-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Root, "feed");

    public string App => Path.Combine(Root, "app");

    public string PackagePath => Path.Combine(Feed, $"Broker.{Version}.nupkg");

    /// <summary>Broker.Hosting, packed apart so that the feed above holds the Broker package alone.</summary>
    public string HostingPackagePath => Path.Combine(Root, "hosting", $"Broker.Hosting.{Version}.nupkg");

    // Each step runs only when the one before it succeeded; null means it did not run.
    internal DotnetCli.Result? Pack { get; private set; }

    internal DotnetCli.Result? Build { get; private set; }

    internal DotnetCli.Result? Run { get; private set; }

    internal DotnetCli.Result? BuildWithBadDeclaration { get; private set; }

    internal DotnetCli.Result? PackHosting { get; private set; }

    /// <summary>What every step that ran printed, for failure messages.</summary>
    internal string Log => string.Join("\n", new[] { Pack, Build, Run, BuildWithBadDeclaration, PackHosting }.Where(r => r is not null));

    public async Task InitializeAsync()
    {
        var repository = RepositoryRoot();
        if (Root.StartsWith(repository, StringComparison.Ordinal))
            throw new InvalidOperationException($"The temporary directory {Root} is inside the repository; the fresh project would inherit its build files.");
        Directory.CreateDirectory(App);

        Pack = await DotnetCli.RunAsync(repository, StepTimeout,
            "pack", Path.Combine(repository, "src", "Broker", "Broker.csproj"), "-c", "Release", "-o", Feed,
            $"-p:PackageVersion={Version}", "--disable-build-servers", "-nodeReuse:false");
        if (Pack.ExitCode != 0) return;

        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                           Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(App, "nuget.config"), FreshProject.NuGetConfig(Feed, Path.Combine(Root, "packages"), userPackages));
        await File.WriteAllTextAsync(Path.Combine(App, "App.csproj"), FreshProject.Project(Version));
        await File.WriteAllTextAsync(Path.Combine(App, "Channels.cs"), FreshProject.Channels);
        await File.WriteAllTextAsync(Path.Combine(App, "Program.cs"), FreshProject.Program);

        Build = await DotnetCli.RunAsync(App, StepTimeout, "build", "--disable-build-servers", "-nodeReuse:false");
        if (Build.ExitCode != 0) return;
        Run = await DotnetCli.RunAsync(App, StepTimeout, Path.Combine(App, "bin", "Debug", "net10.0", "App.dll"));

        await File.WriteAllTextAsync(Path.Combine(App, "RefundChannel.cs"), FreshProject.BadChannel);
        BuildWithBadDeclaration = await DotnetCli.RunAsync(App, StepTimeout, "build", "--no-restore", "--disable-build-servers", "-nodeReuse:false");

        PackHosting = await DotnetCli.RunAsync(repository, StepTimeout,
            "pack", Path.Combine(repository, "src", "Broker.Hosting", "Broker.Hosting.csproj"), "-c", "Release", "-o", Path.GetDirectoryName(HostingPackagePath)!,
            $"-p:PackageVersion={Version}", "--disable-build-servers", "-nodeReuse:false");
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Broker.sln")))
                return directory.FullName + Path.DirectorySeparatorChar;
        }
        throw new InvalidOperationException($"No Broker.sln above {AppContext.BaseDirectory}.");
    }
}
