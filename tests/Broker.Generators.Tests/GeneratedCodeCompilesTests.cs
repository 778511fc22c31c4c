using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Tests;

/// <summary>The generated code compiles cleanly in the situations users put it in.</summary>
public sealed class GeneratedCodeCompilesTests
{
    [Fact]
    public void WithNullableReferenceTypesDisabled()
    {
        var compilation = GeneratorHarness.Compile(Inputs.RichMessage, Inputs.NestedNamespace)
            .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));

        var run = GeneratorHarness.Run(compilation);

        Assert.Contains("Shop.Orders.OrderEventCodec.g.cs", run.HintNames);
        GeneratorHarness.AssertCompilesCleanly(run.Output);
    }

    [Fact]
    public void InAnAssemblyThatSeesAnotherChannelAssemblysInternals()
    {
        const string library = """
            using Broker;

            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Sample.App")]

            namespace Sample.Channels;

            public sealed record User(int Id, string Username);

            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<User>;
            """;
        const string app = """
            using Broker;

            namespace Sample.App;

            public sealed record Audit(string What);

            [Channel("app/audit")]
            public partial interface IAuditChannel : IQueueChannel<Audit>;
            """;
        var libraryRun = GeneratorHarness.Run(GeneratorHarness.Compile("Sample.Channels", [], library));
        var reference = GeneratorHarness.EmitReference(libraryRun.Output);

        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Sample.App", [reference], app));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.Contains("global::Broker.Generated.Sample_Channels_ChannelRegistry.AddTo(builder);", run.Source("BrokerAddChannels.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAReferenceToBrokerNothingIsGenerated()
    {
        var compilation = CSharpCompilation.Create(
            "Plain",
            [CSharpSyntaxTree.ParseText(Inputs.NoChannels, GeneratorHarness.ParseOptions)],
            GeneratorHarness.References.Where(r => !r.Display!.EndsWith("Broker.dll", StringComparison.Ordinal)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var run = GeneratorHarness.Run(compilation);

        Assert.Empty(run.Sources);
        GeneratorHarness.AssertCompilesCleanly(run.Output);
    }

    [Fact]
    public void ChannelInTheGlobalNamespaceWithKeywordNamedMembers()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("""
            using Broker;

            public sealed record Event(int @class, string? @event, System.Collections.Generic.List<int>? @int = null);

            [Channel("global/event")]
            public partial interface IEventChannel : IQueueChannel<Event>;
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.Contains("writer.WriteInt32(global::Broker.Bson.BsonElementName.FromValidatedUtf8(\"class\"u8), value.@class);", run.Source("EventCodec.g.cs"), StringComparison.Ordinal);
    }
}
