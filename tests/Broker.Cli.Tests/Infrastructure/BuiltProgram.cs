namespace Broker.Cli.Tests.Infrastructure;

/// <summary>
/// Where a program of the repository was built: its own output folder (src/Project/bin/Configuration/net10.0), with its
/// own runtime configuration and dependencies, as <c>dotnet run</c> or an installed tool would run it. Not the copy in
/// the test's folder, which runs with the test's shared frameworks and not its own.
/// </summary>
public static class BuiltProgram
{
    /// <summary>The path of <paramref name="assembly"/> in the output folder of src/<paramref name="project"/>, built in the test's configuration.</summary>
    public static string PathOf(string project, string assembly)
    {
        // The test runs from tests/Broker.Cli.Tests/bin/<Configuration>/<framework>/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var repository = configuration.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repository, "src", project, "bin", configuration.Name, framework.Name, assembly);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{assembly} is not built at {path}; the test project builds it through its project reference.", path);
        return path;
    }
}
