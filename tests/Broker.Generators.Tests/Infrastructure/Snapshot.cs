using System.Runtime.CompilerServices;
using System.Text;

namespace Broker.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated sources with checked-in files <c>Snapshots/&lt;Test&gt;.&lt;HintName&gt;.verified.cs</c>. On a
/// mismatch the test fails with a line diff; with <c>BROKER_UPDATE_SNAPSHOTS=1</c> the files are rewritten instead.
/// </summary>
internal static class Snapshot
{
    private const string UpdateVariable = "BROKER_UPDATE_SNAPSHOTS";

    public static void Verify(string testName, GeneratorRun run)
    {
        var directory = Path.Combine(ProjectDirectory(), "Snapshots");
        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        var expectedFiles = run.Sources.ToDictionary(
            source => Path.Combine(directory, testName + "." + StripCs(source.HintName) + ".verified.cs"),
            source => Normalize(source.SourceText.ToString()));
        var existingFiles = Directory.Exists(directory)
            ? Directory.GetFiles(directory, testName + ".*.verified.cs")
            : [];

        if (update)
        {
            Directory.CreateDirectory(directory);
            foreach (var stale in existingFiles.Where(f => !expectedFiles.ContainsKey(f)))
                File.Delete(stale);
            foreach (var (path, text) in expectedFiles)
                File.WriteAllText(path, text, new UTF8Encoding(false));
            return;
        }

        var failures = new StringBuilder();
        foreach (var stale in existingFiles.Where(f => !expectedFiles.ContainsKey(f)).Order(StringComparer.Ordinal))
            failures.AppendLine($"{Path.GetFileName(stale)}: the generator no longer produces this file.");
        foreach (var (path, actual) in expectedFiles.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!File.Exists(path))
            {
                failures.AppendLine($"{Path.GetFileName(path)}: no snapshot yet. The generator produced:").AppendLine(actual);
                continue;
            }
            var expected = Normalize(File.ReadAllText(path));
            if (expected != actual)
                failures.AppendLine($"{Path.GetFileName(path)} differs (- snapshot, + generated):").AppendLine(LineDiff.Render(expected, actual));
        }
        if (failures.Length > 0)
            Assert.Fail(failures + $"If the new output is right, run the tests with {UpdateVariable}=1 and review the changed snapshots.");
    }

    private static string StripCs(string hintName) => hintName.EndsWith(".cs", StringComparison.Ordinal) ? hintName[..^3] : hintName;

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    // The source path compiled into this file; when a deterministic CI build maps it away, the project is found by walking
    // up from the test binaries to the repository.
    private static string ProjectDirectory([CallerFilePath] string path = "")
    {
        var fromSource = Path.GetDirectoryName(Path.GetDirectoryName(path));
        if (fromSource is not null && Directory.Exists(fromSource))
            return fromSource;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Broker.Generators.Tests");
            if (Directory.Exists(Path.Combine(candidate, "Snapshots")))
                return candidate;
        }
        throw new DirectoryNotFoundException("Cannot find tests/Broker.Generators.Tests/Snapshots from " + path + " or " + AppContext.BaseDirectory + ".");
    }
}
