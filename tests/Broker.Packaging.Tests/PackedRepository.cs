using System.IO.Compression;
using System.Xml.Linq;

namespace Broker.Packaging.Tests;

/// <summary>
/// Packs every project of src/ once into a folder feed in a temporary directory outside the repository, for all the
/// packaging tests. What is built from the feed (the fresh application, the installed tool) starts on first use, so a
/// filtered run pays only for what it tests.
/// </summary>
public sealed class PackedRepository : IAsyncLifetime
{
    private readonly Lazy<Task<FreshApp>> freshApp;
    private readonly Lazy<Task<FreshApp>> webApp;
    private readonly Lazy<Task<FreshPairApp>> pairApp;
    private readonly Lazy<Task<InstalledTool>> tool;
    private readonly Lazy<Task<InstalledTool>> cli;

    public PackedRepository()
    {
        freshApp = new(() => Tests.FreshApp.CreateWorkerAsync(this));
        webApp = new(() => Tests.FreshApp.CreateWebAsync(this));
        pairApp = new(() => FreshPairApp.CreateAsync(this));
        tool = new(() => InstalledTool.InstallAsync(this, "Broker.Server", "broker-server"));
        cli = new(() => InstalledTool.InstallAsync(this, "Broker.Cli", "broker"));
    }

    public string Version { get; } = Packing.NewVersion("packtest");

    public string Root { get; } = Packing.NewRoot("broker-packaging-");

    public string Feed => Path.Combine(Root, "feed");

    public string Repository { get; } = Packing.RepositoryRoot();

    internal DotnetCli.Result? Pack { get; private set; }

    /// <summary>A new worker (<c>dotnet new worker</c>) that adds only the Broker package, built and run.</summary>
    internal Task<FreshApp> FreshApp => freshApp.Value;

    /// <summary>A new ASP.NET Core app that references only the Broker package, built and run.</summary>
    internal Task<FreshApp> WebApp => webApp.Value;

    /// <summary>A new worker that references only the Broker package, run as two processes on one data directory.</summary>
    internal Task<FreshPairApp> PairApp => pairApp.Value;

    /// <summary>broker-server installed from the feed with <c>dotnet tool install</c>.</summary>
    internal Task<InstalledTool> Tool => tool.Value;

    /// <summary>The broker command line installed from the feed with <c>dotnet tool install</c>.</summary>
    internal Task<InstalledTool> Cli => cli.Value;

    public async Task InitializeAsync()
    {
        if (Root.StartsWith(Repository, StringComparison.Ordinal))
            throw new InvalidOperationException($"The temporary directory {Root} is inside the repository; the fresh project would inherit its build files.");
        Pack = await Packing.PackAllAsync(Repository, Path.Combine(Root, "scratch"), Feed, Version);
        // One nuget.config for everything restored under Root: the feed, and a packages folder of its own.
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), FreshProject.NuGetConfig(Feed, Path.Combine(Root, "packages"), Packing.UserPackages));
    }

    /// <summary>Fails the calling test with pack's output unless pack succeeded.</summary>
    internal void AssertPacked() =>
        Assert.True(Pack is { ExitCode: 0 }, $"dotnet pack of src/ failed: {Pack}");

    /// <summary>The ids of the packages in the feed.</summary>
    internal IReadOnlyList<string> PackageIds()
    {
        AssertPacked();
        var suffix = $".{Version}.nupkg";
        return Directory.GetFiles(Feed, "*" + suffix).Select(path => Path.GetFileName(path)[..^suffix.Length]).Order(StringComparer.Ordinal).ToList();
    }

    internal string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    internal string SymbolsPath(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    internal ZipArchive OpenPackage(string id)
    {
        AssertPacked();
        Assert.True(File.Exists(PackagePath(id)), $"No package {id} in the feed; it holds {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}.");
        return ZipFile.OpenRead(PackagePath(id));
    }

    /// <summary>The package's .nuspec, as NuGet wrote it.</summary>
    internal static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/')).Open();
        return XDocument.Load(stream);
    }

    public async Task DisposeAsync()
    {
        // Let a step that a failed test left running finish before its folder goes.
        foreach (var step in new Task[] { Started(freshApp), Started(webApp), Started(pairApp), Started(tool), Started(cli) })
            await step.ContinueWith(_ => { }, TaskScheduler.Default);
        Packing.Delete(Root);
    }

    private static Task Started<T>(Lazy<Task<T>> step) => step.IsValueCreated ? step.Value : Task.CompletedTask;
}
