using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Broker.Generators;
using Broker.Generators.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Benchmarks.Generator;

/// <summary>
/// ChannelGenerator over a project of <see cref="Channels"/> channels with varied message types.
/// <list type="bullet">
/// <item><see cref="FullRun"/>: a new driver over a compilation no one has bound yet, as in a clean build.</item>
/// <item><see cref="FullRunWarm"/>: the same on a compilation whose symbols are already bound: the generator's own cost.</item>
/// <item><see cref="IncrementalRun"/>: a driver that has run once, over a new compilation after an edit to a file no
/// channel depends on, as when typing in the IDE. Setup proves that it calls no emitter.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private readonly CSharpParseOptions _parseOptions = new(LanguageVersion.Latest);
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warmDriver = null!;

    [Params(500)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var trees = SyntheticProject.Files(Channels).Select(f => CSharpSyntaxTree.ParseText(f.Source, _parseOptions, path: f.Path)).ToList();
        _compilation = CSharpCompilation.Create("Synthetic", trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var unrelated = trees.Single(t => t.FilePath == SyntheticProject.UnrelatedPath);
        _edited = _compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(SyntheticProject.EditUnrelatedFile(1), _parseOptions, path: unrelated.FilePath));

        _warmDriver = CreateDriver(trackSteps: false).RunGenerators(_compilation.Clone());
        var generated = _warmDriver.GetRunResult().GeneratedTrees.Length;
        if (generated < 2 * Channels)
            throw new InvalidOperationException($"Expected a channel and a codec per channel, got {generated} files: a message shape is not supported.");
        FullRunWarm(); // Binds _compilation once, so FullRunWarm measures the generator alone.
        ProveTheIncrementalRunEmitsNothing();
    }

    [Benchmark(Baseline = true)]
    public int FullRun() => CreateDriver(trackSteps: false).RunGenerators(_compilation.Clone()).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int FullRunWarm() => CreateDriver(trackSteps: false).RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int IncrementalRun() => _warmDriver.RunGenerators(_edited.Clone()).GetRunResult().GeneratedTrees.Length;

    private GeneratorDriver CreateDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            [new ChannelGenerator().AsSourceGenerator()],
            parseOptions: _parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    // The same run as IncrementalRun, with step tracking on: every source output must be Cached, which means Roslyn
    // reused the text and no emitter was called.
    private void ProveTheIncrementalRunEmitsNothing()
    {
        var driver = CreateDriver(trackSteps: true).RunGenerators(_compilation.Clone()).RunGenerators(_edited.Clone());
        var result = driver.GetRunResult().Results.Single();
        var outputs = result.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs).ToList();
        var emitted = outputs.Count(o => o.Reason != IncrementalStepRunReason.Cached);
        var files = outputs.Sum(o => ((IEnumerable)((ITuple)o.Value)[0]!).Cast<object>().Count());
        if (emitted != 0 || files != result.GeneratedSources.Length)
            throw new InvalidOperationException($"The incremental run emitted {emitted} of {outputs.Count} outputs again.");
        Console.WriteLine($"// Incremental run: {outputs.Count} source outputs, all Cached ({files} files reused, no emitter called).");
    }

    private static ImmutableArray<MetadataReference> References()
    {
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
