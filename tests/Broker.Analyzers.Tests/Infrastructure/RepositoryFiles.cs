namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>Finds the repository's own files from the test binaries.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The C# files MSBuild would compile in a project folder: everything but bin/ and obj/.</summary>
    public static IEnumerable<string> SourcesOf(string projectDirectory, params string[] excludedFolders) =>
        Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(path =>
            {
                var relative = Path.GetRelativePath(projectDirectory, path).Split(Path.DirectorySeparatorChar);
                return !relative[0].Equals("bin", StringComparison.Ordinal) && !relative[0].Equals("obj", StringComparison.Ordinal) &&
                       !excludedFolders.Contains(relative[0], StringComparer.Ordinal);
            })
            .OrderBy(path => path, StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Broker.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Broker.sln above {AppContext.BaseDirectory}.");
    }
}
