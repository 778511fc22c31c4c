using System.Collections.Immutable;
using Broker.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Generators.Tests.Infrastructure;

/// <summary>Compiles small inputs against the framework and Broker's runtime, and runs the generator over them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation Compile(string assemblyName, IEnumerable<MetadataReference> extraReferences, params string[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Input{i}.cs")),
            References.AddRange(extraReferences),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpCompilation Compile(params string[] sources) => Compile("TestAssembly", [], sources);

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new ChannelGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once and returns what it produced and the compilation with it.</summary>
    public static GeneratorRun Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, output, diagnostics, driver.GetRunResult());
    }

    /// <summary>Fails unless the compilation with the generated code has no errors and the generated code no warnings.</summary>
    public static void AssertCompilesCleanly(Compilation output)
    {
        var problems = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error ||
                        (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true))
            .ToList();
        Assert.True(problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(p => p.ToString())));
    }

    /// <summary>Compiles a library to an in-memory image another compilation can reference, as a project reference would.</summary>
    public static MetadataReference EmitReference(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The framework's assemblies, plus Broker and the two abstractions its public API uses. Not the test assembly:
        // it has channels of its own, whose registry would show up in every AddChannels().
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == frameworkDirectory)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var broker = new[] { typeof(ChannelAttribute), typeof(IServiceCollection), typeof(ILoggerFactory) }
            .Select(type => (MetadataReference)MetadataReference.CreateFromFile(type.Assembly.Location));
        return [.. framework, .. broker];
    }
}

/// <summary>The result of one generator run.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriverRunResult Result)
{
    public ImmutableArray<GeneratedSourceResult> Sources => Result.Results.Single().GeneratedSources;

    public IReadOnlyList<string> HintNames => Sources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal).ToList();

    public string Source(string hintName) => Sources.Single(s => s.HintName == hintName).SourceText.ToString();
}
