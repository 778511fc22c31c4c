using System.Globalization;

namespace Broker.Packaging.Tests;

/// <summary>What the packaging fixtures share: fresh versions and folders, packing a project, the user's package cache.</summary>
internal static class Packing
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    /// <summary>A version no cache can already hold, so a restore gets exactly the package packed here.</summary>
    public static string NewVersion(string label) => $"0.1.0-{label}." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>A directory under the system's temporary folder, outside the repository and its build files.</summary>
    public static string NewRoot(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>What earlier restores on this machine downloaded, read in place by the fresh projects.</summary>
    public static string UserPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary><c>dotnet pack -c Release</c> of a project of this repository into <paramref name="output"/>.</summary>
    public static Task<DotnetCli.Result> PackAsync(string repository, string project, string output, string version) =>
        DotnetCli.RunAsync(repository, StepTimeout,
            "pack", Path.Combine(repository, "src", project, project + ".csproj"), "-c", "Release", "-o", output,
            $"-p:PackageVersion={version}", "--disable-build-servers", "-nodeReuse:false");

    public static void Delete(string root)
    {
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
    }

    /// <summary>The repository this test runs from, with a trailing separator.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Broker.sln")))
                return directory.FullName + Path.DirectorySeparatorChar;
        }
        throw new InvalidOperationException($"No Broker.sln above {AppContext.BaseDirectory}.");
    }
}
