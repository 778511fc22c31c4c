using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Tests;

/// <summary>The benchmark's project of 500 channels: everything is generated, and an unrelated edit emits nothing.</summary>
public sealed class IncrementalScaleTests
{
    private const int ChannelCount = 500;

    [Fact]
    public void EveryChannelOfTheSyntheticProjectIsGenerated()
    {
        var run = GeneratorHarness.Run(Compile(ChannelCount));

        var hintNames = run.HintNames.ToHashSet(StringComparer.Ordinal);
        Assert.All(Enumerable.Range(0, ChannelCount), i => Assert.Contains(SyntheticProject.InterfaceName(i) + ".Channel.g.cs", hintNames));
    }

    // Fifteen channels go through every shape (five) and every settings variant (three), and binding is what is slow.
    [Fact]
    public void EveryShapeOfTheSyntheticProjectCompilesCleanly()
    {
        var run = GeneratorHarness.Run(Compile(15));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
    }

    [Fact]
    public void UnrelatedEditInTheSyntheticProjectEmitsNothing()
    {
        var compilation = Compile(ChannelCount);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == SyntheticProject.UnrelatedPath);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(SyntheticProject.EditUnrelatedFile(1), GeneratorHarness.ParseOptions, path: tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        StepAssertions.AllCachedOrUnchanged(result);
        Assert.All(IncrementalSteps.SourceOutputs(result), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    private static Compilation Compile(int channels) =>
        CSharpCompilation.Create(
            "Synthetic",
            SyntheticProject.Files(channels).Select(f => CSharpSyntaxTree.ParseText(f.Source, GeneratorHarness.ParseOptions, path: f.Path)),
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
}
