namespace Broker.Conformance;

/// <summary>
/// docs/configuration.md as the tests that pin it to the code read it: the table under each section's heading must list
/// exactly the keys that section's reader accepts, which the reader itself says when it meets an unknown key.
/// </summary>
public static class ConfigurationDocs
{
    /// <summary>A key no reader accepts and that looks like none of theirs, to make a reader list what it accepts.</summary>
    public const string UnknownKey = "Zz";

    /// <summary>The keys (first column) of the table under the heading <c>### `<paramref name="section"/>`</c>.</summary>
    public static IReadOnlyList<string> Keys(string section)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var heading = Array.FindIndex(lines, l => l.StartsWith($"### `{section}`", StringComparison.Ordinal));
        Assert.True(heading >= 0, $"docs/configuration.md has no heading for {section}.");
        return lines
            .Skip(heading + 1)
            .TakeWhile(l => !l.StartsWith('#'))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('`')[1])
            .ToArray();
    }

    /// <summary>
    /// The settings an unknown-key problem about <c><paramref name="path"/>:Zz</c> lists ("The settings here are: A, B."):
    /// the keys the reader of <paramref name="path"/> accepts.
    /// </summary>
    public static IReadOnlyList<string> AcceptedKeys(string problems, string path)
    {
        var start = problems.IndexOf($"{path}:{UnknownKey} is not a setting", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No unknown-key problem for {path}:{UnknownKey} in: {problems}");
        const string Marker = "The settings here are: ";
        var list = problems.IndexOf(Marker, start, StringComparison.Ordinal) + Marker.Length;
        var end = problems.IndexOf('.', list);
        return problems[list..end].Split(", ");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docs", "configuration.md")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No docs/configuration.md above {AppContext.BaseDirectory}.");
    }
}
