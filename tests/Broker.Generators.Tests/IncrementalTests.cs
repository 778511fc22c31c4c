using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Tests;

/// <summary>The pipeline caches: edits that change no model regenerate nothing, and an edit regenerates only what it changed.</summary>
public sealed class IncrementalTests
{
    private const string ChannelA = """
        using Broker;

        namespace Sample.A;

        public sealed record MessageA(int Id, string Text);

        [Channel("sample/a", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IChannelA : IQueueChannel<MessageA>;
        """;

    private const string ChannelB = """
        using Broker;

        namespace Sample.B;

        public sealed class MessageB
        {
            public long Sequence { get; set; }
            public string? Note { get; set; }
        }

        [Channel("sample/b")]
        public partial interface IChannelB : IQueueChannel<MessageB>;
        """;

    private const string Service = """
        namespace Sample;

        public sealed class Service
        {
            public int Compute() => 1;
        }
        """;

    [Fact]
    public void AddingAnUnrelatedFileLeavesEveryStepCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB, Service);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public sealed class Unrelated { }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        driver = driver.RunGenerators(edited);

        StepAssertions.AllCachedOrUnchanged(driver.GetRunResult().Results.Single());
    }

    [Fact]
    public void ChangingAMethodBodyLeavesEveryStepCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB, Service);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, Service, Service.Replace("=> 1;", "=> 2 + 3;", StringComparison.Ordinal));
        driver = driver.RunGenerators(edited);

        StepAssertions.AllCachedOrUnchanged(driver.GetRunResult().Results.Single());
    }

    [Fact]
    public void StepOutputsHoldNoSymbolsSyntaxOrCompilation()
    {
        var library = GeneratorHarness.Run(GeneratorHarness.Compile("Sample.Channels", [], Inputs.SeedUser));
        var reference = GeneratorHarness.EmitReference(library.Output);
        var compilation = GeneratorHarness.Compile("Sample.App", [reference], ChannelA, ChannelB, Inputs.RichMessage);

        var run = GeneratorHarness.Run(compilation);

        StepAssertions.HoldNoCompilationObjects(run.Result.Results.Single());
    }

    [Fact]
    public void EditingOneChannelRegeneratesOnlyThatChannel()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, ChannelA, ChannelA.Replace("Dedup = \"1s\"", "Dedup = \"2s\"", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var implementations = StepAssertions.Outputs(result, TrackingNames.ChannelImplementations)
            .ToDictionary(o => StepAssertions.Describe(o.Value), o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, implementations["channel sample/a"]);
        Assert.Equal(IncrementalStepRunReason.Unchanged, implementations["channel sample/b"]);
        Assert.All(StepAssertions.Outputs(result, TrackingNames.Codecs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.Contains("2s", result.GeneratedSources.Single(s => s.HintName == "Sample.A.IChannelA.Channel.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingAMessageTypeRegeneratesOnlyItsCodec()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, ChannelB, ChannelB.Replace("public string? Note { get; set; }", "public string? Note { get; set; }\n    public bool Urgent { get; set; }", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var codecs = StepAssertions.Outputs(result, TrackingNames.Codecs).ToDictionary(o => StepAssertions.Describe(o.Value), o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, codecs["codec Sample.B.MessageB"]);
        Assert.Equal(IncrementalStepRunReason.Unchanged, codecs["codec Sample.A.MessageA"]);
        Assert.All(StepAssertions.Outputs(result, TrackingNames.ChannelImplementations), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.Contains("\"Urgent\"u8", result.GeneratedSources.Single(s => s.HintName == "Sample.B.MessageBCodec.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RunningTwiceOnTheSameCompilationCachesEverything()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.Clone());

        StepAssertions.AllCachedOrUnchanged(driver.GetRunResult().Results.Single());
    }

    private static Compilation Replace(Compilation compilation, string oldSource, string newSource)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString() == oldSource);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));
    }
}
