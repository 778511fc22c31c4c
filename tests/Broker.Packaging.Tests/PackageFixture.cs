namespace Broker.Packaging.Tests;

/// <summary>
/// Packs src/Broker once into a folder feed, then builds and runs a fresh application against it in a temporary
/// directory outside the repository, and builds it again with a bad channel declaration added.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string Version { get; } = Packing.NewVersion("packtest");

    public string Root { get; } = Packing.NewRoot("broker-packaging-");

    public string Feed => Path.Combine(Root, "feed");

    public string App => Path.Combine(Root, "app");

    public string PackagePath => Path.Combine(Feed, $"Broker.{Version}.nupkg");

    /// <summary>Broker.Hosting, packed apart so that the feed above holds the Broker package alone.</summary>
    public string HostingPackagePath => Path.Combine(Root, "hosting", $"Broker.Hosting.{Version}.nupkg");

    /// <summary>Broker.Protocol, the wire protocol the client and the server share, packed apart like Broker.Hosting.</summary>
    public string ProtocolPackagePath => Path.Combine(Root, "protocol", $"Broker.Protocol.{Version}.nupkg");

    /// <summary>Broker.Client (UseServer), packed apart like Broker.Hosting.</summary>
    public string ClientPackagePath => Path.Combine(Root, "client", $"Broker.Client.{Version}.nupkg");

    // Each step runs only when the one before it succeeded; null means it did not run.
    internal DotnetCli.Result? Pack { get; private set; }

    internal DotnetCli.Result? Build { get; private set; }

    internal DotnetCli.Result? Run { get; private set; }

    internal DotnetCli.Result? BuildWithBadDeclaration { get; private set; }

    internal DotnetCli.Result? PackHosting { get; private set; }

    internal DotnetCli.Result? PackProtocol { get; private set; }

    internal DotnetCli.Result? PackClient { get; private set; }

    /// <summary>What every step that ran printed, for failure messages.</summary>
    internal string Log => string.Join("\n", new[] { Pack, Build, Run, BuildWithBadDeclaration, PackHosting, PackProtocol, PackClient }.Where(r => r is not null));

    public async Task InitializeAsync()
    {
        var repository = Packing.RepositoryRoot();
        if (Root.StartsWith(repository, StringComparison.Ordinal))
            throw new InvalidOperationException($"The temporary directory {Root} is inside the repository; the fresh project would inherit its build files.");
        Directory.CreateDirectory(App);

        Pack = await Packing.PackAsync(repository, "Broker", Feed, Version);
        if (Pack.ExitCode != 0) return;

        await File.WriteAllTextAsync(Path.Combine(App, "nuget.config"), FreshProject.NuGetConfig(Feed, Path.Combine(Root, "packages"), Packing.UserPackages));
        await File.WriteAllTextAsync(Path.Combine(App, "App.csproj"), FreshProject.Project(Version));
        await File.WriteAllTextAsync(Path.Combine(App, "Channels.cs"), FreshProject.Channels);
        await File.WriteAllTextAsync(Path.Combine(App, "Program.cs"), FreshProject.Program);

        Build = await DotnetCli.RunAsync(App, Packing.StepTimeout, "build", "--disable-build-servers", "-nodeReuse:false");
        if (Build.ExitCode != 0) return;
        Run = await DotnetCli.RunAsync(App, Packing.StepTimeout, Path.Combine(App, "bin", "Debug", "net10.0", "App.dll"));

        await File.WriteAllTextAsync(Path.Combine(App, "RefundChannel.cs"), FreshProject.BadChannel);
        BuildWithBadDeclaration = await DotnetCli.RunAsync(App, Packing.StepTimeout, "build", "--no-restore", "--disable-build-servers", "-nodeReuse:false");

        PackHosting = await Packing.PackAsync(repository, "Broker.Hosting", Path.GetDirectoryName(HostingPackagePath)!, Version);
        PackProtocol = await Packing.PackAsync(repository, "Broker.Protocol", Path.GetDirectoryName(ProtocolPackagePath)!, Version);
        PackClient = await Packing.PackAsync(repository, "Broker.Client", Path.GetDirectoryName(ClientPackagePath)!, Version);
    }

    public Task DisposeAsync()
    {
        Packing.Delete(Root);
        return Task.CompletedTask;
    }
}
