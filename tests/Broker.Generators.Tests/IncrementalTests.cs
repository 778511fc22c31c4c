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
    public void AnUnrelatedEditLeavesDeclaredSubtypesCachedAndEmitsNothing()
    {
        const string subtypes = """
            [assembly: Broker.BsonKnownSubtype(typeof(Sample.Account), typeof(Sample.Premium))]

            namespace Sample;

            public class Account
            {
                public int Id { get; set; }
            }

            public sealed class Premium : Account
            {
                public string Plan { get; set; } = "";
            }
            """;
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB, Service, subtypes);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Contains(driver.GetRunResult().Results.Single().GeneratedSources, s => s.HintName == "BrokerBsonSubtypes.g.cs");

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public sealed class Unrelated { }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        StepAssertions.AllCachedOrUnchanged(result);
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(StepAssertions.Outputs(result, TrackingNames.Subtypes)).Reason);
        // No emitter ran: every file, the subtype's codec and registration among them, is the text of the last run.
        Assert.All(IncrementalSteps.SourceOutputs(result), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
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
        var compilation = GeneratorHarness.Compile("Sample.App", [reference], ChannelA, ChannelB, Inputs.RichMessage, Inputs.GenericMembers);

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
        // The codec list compares equal before it is split, so the per-codec step is not even re-run (Cached).
        Assert.All(StepAssertions.Outputs(result, TrackingNames.Codecs), o => IncrementalSteps.AssertCachedOrUnchanged(StepAssertions.Describe(o.Value), o.Reason));
        Assert.Contains("2s", result.GeneratedSources.Single(s => s.HintName == "Sample.A.IChannelA.Channel.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnrelatedEditRunsNoEmitter()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB, Service);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, Service, Service.Replace("=> 1;", "=> 2 + 3;", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var outputs = IncrementalSteps.SourceOutputs(result);
        Assert.Equal(result.GeneratedSources.Length, outputs.Sum(o => o.HintNames.Count));
        Assert.All(outputs, o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{string.Join(", ", o.HintNames)} was emitted again ({o.Reason})."));
    }

    [Fact]
    public void UnrelatedEditRunsNoEmitterWithClosedGenericMessages()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, Inputs.GenericMembers, Service);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, Service, Service.Replace("=> 1;", "=> 2 + 3;", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.GeneratedSources, s => s.HintName == "Shop.Envelope_Of_Shop_Page_Of_Shop_Order_End_Codec.g.cs");
        var outputs = IncrementalSteps.SourceOutputs(result);
        Assert.Equal(result.GeneratedSources.Length, outputs.Sum(o => o.HintNames.Count));
        Assert.All(outputs, o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{string.Join(", ", o.HintNames)} was emitted again ({o.Reason})."));
    }

    [Fact]
    public void EditingOneChannelModifiesOnlyThatChannelsStepsAndFile()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB, Service);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, ChannelA, ChannelA.Replace("Dedup = \"1s\"", "Dedup = \"2s\"", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // Per declaration: only the edited one is Modified.
        var declarations = StepAssertions.Outputs(result, TrackingNames.ChannelDeclarations)
            .ToDictionary(o => ((Model.ChannelDeclaration)o.Value).ChannelName!, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, declarations["sample/a"]);
        IncrementalSteps.AssertCachedOrUnchanged("declaration sample/b", declarations["sample/b"]);

        // The collected list changes as a whole: that is the one step every channel edit modifies.
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(StepAssertions.Outputs(result, TrackingNames.Channels)).Reason);

        var implementations = StepAssertions.Outputs(result, TrackingNames.ChannelImplementations)
            .ToDictionary(o => StepAssertions.Describe(o.Value), o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, implementations["channel sample/a"]);
        IncrementalSteps.AssertCachedOrUnchanged("channel sample/b", implementations["channel sample/b"]);

        // A Dedup window is no business of codecs, registries or AddChannels.
        foreach (var step in new[] { TrackingNames.Codecs, TrackingNames.Assembly, TrackingNames.Registry, TrackingNames.AddChannels, TrackingNames.CodecRegistrations })
        {
            foreach (var (value, reason) in StepAssertions.Outputs(result, step))
                IncrementalSteps.AssertCachedOrUnchanged($"{step} {StepAssertions.Describe(value)}", reason);
        }

        // Exactly one file is written again, and it is channel A's.
        var modified = IncrementalSteps.SourceOutputs(result).Where(o => o.Reason != IncrementalStepRunReason.Cached).ToList();
        Assert.Equal(["Sample.A.IChannelA.Channel.g.cs"], Assert.Single(modified).HintNames);
        Assert.Equal(IncrementalStepRunReason.Modified, modified[0].Reason);
    }

    [Fact]
    public void OrderingAChannelByAMemberRegeneratesOnlyThatChannel()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, ChannelB, ChannelB.Replace("[Channel(\"sample/b\")]", "[Channel(\"sample/b\", OrderBy = nameof(MessageB.Sequence))]", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var implementations = StepAssertions.Outputs(result, TrackingNames.ChannelImplementations)
            .ToDictionary(o => StepAssertions.Describe(o.Value), o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, implementations["channel sample/b"]);
        Assert.Equal(IncrementalStepRunReason.Unchanged, implementations["channel sample/a"]);
        // The codec list compares equal before it is split, so the per-codec step is not even re-run (Cached).
        Assert.All(StepAssertions.Outputs(result, TrackingNames.Codecs), o => IncrementalSteps.AssertCachedOrUnchanged(StepAssertions.Describe(o.Value), o.Reason));
        var source = result.GeneratedSources.Single(s => s.HintName == "Sample.B.IChannelB.Channel.g.cs").SourceText.ToString();
        Assert.Contains("ordered: true);", source, StringComparison.Ordinal);
        Assert.Contains("OrderingKeyOf(global::Sample.B.MessageB message) => message.Sequence.ToString(", source, StringComparison.Ordinal);
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
    public void ChoosingANamingForTheAssemblyRegeneratesItsCodecsAndNothingElse()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB, Service);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        // The attribute sits in a file no channel is declared in: the codecs must notice it all the same.
        var edited = Replace(compilation, Service, "[assembly: Broker.BrokerNaming(Broker.BsonNaming.CamelCase)]\n" + Service);
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var codecs = StepAssertions.Outputs(result, TrackingNames.Codecs).ToDictionary(o => StepAssertions.Describe(o.Value), o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, codecs["codec Sample.A.MessageA"]);
        Assert.Equal(IncrementalStepRunReason.Modified, codecs["codec Sample.B.MessageB"]);
        Assert.All(StepAssertions.Outputs(result, TrackingNames.ChannelImplementations), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.Contains("\"sequence\"u8", result.GeneratedSources.Single(s => s.HintName == "Sample.B.MessageBCodec.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RunningTwiceOnTheSameCompilationCachesEverything()
    {
        var compilation = GeneratorHarness.Compile(ChannelA, ChannelB);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.Clone());

        StepAssertions.AllCachedOrUnchanged(driver.GetRunResult().Results.Single());
    }

    // Roslyn names its own steps (inside ForAttributeWithMetadataName, the compilation input); every step between ours
    // must carry a name too, or a test cannot say which of them ran.
    [Fact]
    public void EveryStepOfThePipelineIsNamed()
    {
        var result = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(ChannelA, ChannelB)).GetRunResult().Results.Single();

        var unnamed = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<IncrementalGeneratorRunStep>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(IncrementalGeneratorRunStep Step, string Consumer)>(
            result.TrackedSteps.Concat(result.TrackedOutputSteps).SelectMany(p => p.Value).Select(s => (s, s.Name!)));
        while (pending.TryPop(out var item))
        {
            if (!visited.Add(item.Step)) continue;
            if (item.Step.Name is null)
                unnamed.Add("an input of " + item.Consumer);
            else if (!StepAssertions.TrackedStepNames.Contains(item.Step.Name) && item.Step.Name != "SourceOutput")
                continue; // One of Roslyn's.
            foreach (var (source, _) in item.Step.Inputs)
                pending.Push((source, item.Step.Name ?? item.Consumer));
        }

        Assert.True(unnamed.Count == 0, "Unnamed steps: " + string.Join("; ", unnamed.Order(StringComparer.Ordinal)));
    }

    private static Compilation Replace(Compilation compilation, string oldSource, string newSource)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString() == oldSource);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));
    }
}
