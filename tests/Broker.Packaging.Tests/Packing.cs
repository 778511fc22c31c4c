using System.Globalization;
using System.Text.Json;

namespace Broker.Packaging.Tests;

/// <summary>What the packaging tests share: fresh versions and folders, packing the repository, the user's package cache.</summary>
internal static class Packing
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Packing builds every src/ project in Release from scratch on a fresh clone: the longest step.</summary>
    public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    /// <summary>A version no cache can already hold, so a restore gets exactly the package packed here.</summary>
    public static string NewVersion(string label) => $"0.1.0-{label}." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>A directory under the system's temporary folder, outside the repository and its build files.</summary>
    public static string NewRoot(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>What earlier restores on this machine downloaded, read in place by the fresh projects.</summary>
    public static string UserPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// <c>dotnet pack -c Release</c> of every project under src/ into <paramref name="output"/>, in one invocation (a
    /// solution filter written to <paramref name="scratch"/>), as a release would: the projects that are not packable
    /// are built but make no package. Every project there is listed, so a new one is held to the same checks.
    /// </summary>
    public static async Task<DotnetCli.Result> PackAllAsync(string repository, string scratch, string output, string version)
    {
        var projects = Directory.GetDirectories(Path.Combine(repository, "src"))
            .SelectMany(directory => Directory.GetFiles(directory, "*.csproj"))
            .Select(path => Path.GetRelativePath(repository, path))
            .Order(StringComparer.Ordinal)
            .ToList();
        var filter = Path.Combine(scratch, "src.slnf");
        Directory.CreateDirectory(scratch);
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new { solution = new { path = Path.Combine(repository, "Broker.sln"), projects } }));
        return await DotnetCli.RunAsync(repository, PackTimeout,
            "pack", filter, "-c", "Release", "-o", output, $"-p:PackageVersion={version}", "--disable-build-servers", "-nodeReuse:false");
    }

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
