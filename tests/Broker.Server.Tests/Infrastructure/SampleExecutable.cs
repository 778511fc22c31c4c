namespace Broker.Server.Tests.Infrastructure;

/// <summary>The samples' executables, built with the solution (this project references them without their output).</summary>
public static class SampleExecutable
{
    /// <summary>The sample's assembly in its own output folder, next to this test's (bin/&lt;configuration&gt;/net10.0).</summary>
    public static string Path(string project)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output;
        while (!File.Exists(System.IO.Path.Combine(root.FullName, "Broker.sln")))
            root = root.Parent ?? throw new InvalidOperationException($"No Broker.sln above {AppContext.BaseDirectory}.");
        var path = System.IO.Path.Combine(root.FullName, "samples", project, "bin", configuration, output.Name, project + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first.");
        return path;
    }
}
