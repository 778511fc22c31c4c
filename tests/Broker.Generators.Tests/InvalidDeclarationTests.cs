using Broker.Generators.Parsing;
using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests;

/// <summary>
/// A declaration the analyzers will report gets no generated code, so the build fails on the analyzer's message and
/// not on a confusing error in generated code; valid channels beside it are still generated.
/// </summary>
public sealed class InvalidDeclarationTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using Broker;

        namespace Sample;

        public sealed record Message(int Id, string Text);

        public sealed record Fine(int Id);

        [Channel("sample/fine")]
        public partial interface IFineChannel : IQueueChannel<Fine>;

        """;

    [Theory]
    [InlineData("not partial", """[Channel("sample/bad")] public interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("no IQueueChannel<T>", """[Channel("sample/bad")] public partial interface IBadChannel { }""")]
    [InlineData("bad name", """[Channel("sample//bad")] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("bad Dedup", """[Channel("sample/bad", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1 parsec")] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("zero Dedup", """[Channel("sample/bad", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "0s")] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("bad RetryDelay", """[Channel("sample/bad", RetryDelay = "soon")] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("MaxAttempts zero", """[Channel("sample/bad", MaxAttempts = 0)] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("unknown Process", """[Channel("sample/bad", Process = (QueueMessageProcessing)7)] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("generic", """[Channel("sample/bad")] public partial interface IBadChannel<T> : IQueueChannel<Message>;""")]
    [InlineData("member to implement", """[Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Message> { void Extra(); }""")]
    [InlineData("container not partial", """public static class Outer { [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Message>; }""")]
    [InlineData("member named Implementation", """[Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Message> { public sealed class Implementation { } }""")]
    [InlineData("private nesting", """public static partial class Outer { [Channel("sample/bad")] private partial interface IBadChannel : IQueueChannel<Message>; }""")]
    [InlineData("OrderBy empty", """[Channel("sample/bad", OrderBy = "")] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("OrderBy names no member", """[Channel("sample/bad", OrderBy = "Txet")] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("OrderBy names a method", """[Channel("sample/bad", OrderBy = nameof(Message.ToString))] public partial interface IBadChannel : IQueueChannel<Message>;""")]
    [InlineData("OrderBy of an unsupported type", """public sealed record Timed(DateTime At); [Channel("sample/bad", OrderBy = nameof(Timed.At))] public partial interface IBadChannel : IQueueChannel<Timed>;""")]
    public void InvalidDeclarationGeneratesNothingForIt(string problem, string declaration)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + declaration));

        AssertOnlyTheFineChannel(run, problem);
    }

    [Theory]
    [InlineData("object", "public object Payload { get; set; } = new();")]
    [InlineData("interface", "public IDisposable? Handle { get; set; }")]
    [InlineData("dictionary with int keys", "public Dictionary<int, string> ByNumber { get; set; } = new();")]
    [InlineData("ulong enum", "public Wide Wide { get; set; }")]
    [InlineData("delegate", "public Action? Callback { get; set; }")]
    [InlineData("multi-dimensional array", "public int[,]? Matrix { get; set; }")]
    [InlineData("framework type", "public Uri? Link { get; set; }")]
    [InlineData("interface with implementations elsewhere", "public IShape? Shape { get; set; }")]
    [InlineData("abstract class without known types", "public Shape? Outline { get; set; }")]
    [InlineData("generic class closed over an unsupported type", "public Box<object>? Box { get; set; }")]
    [InlineData("generic class closed over an interface", "public List<Box<IShape>>? Boxes { get; set; }")]
    [InlineData("private setter", "public int Computed { get; private set; }")]
    [InlineData("get-only id", "public int Id => 5;")]
    [InlineData("interface element", "public List<IComparable>? Keys { get; set; }")]
    public void UnsupportedMemberTypeGeneratesNothingForTheChannel(string problem, string member)
    {
        var source = Prelude + """
            public enum Wide : ulong { Max = ulong.MaxValue }
            public interface IShape { int Sides { get; } }
            public abstract class Shape : IShape { public int Sides { get; set; } }
            public sealed class Square : Shape { }
            public sealed class Box<T> { public T? Value { get; set; } }

            public sealed class Odd
            {
                public string Name { get; set; } = "";

            """ + member + """

            }

            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<Odd>;
            """;

        var run = GeneratorHarness.Run(GeneratorHarness.Compile(source));

        AssertOnlyTheFineChannel(run, problem);
    }

    [Fact]
    public void MongoDbAttributesTheCodecsCannotReproduceAreRefusedRatherThanHalfHonoured()
    {
        // A stand-in with MongoDB.Bson's namespace: the generator goes by the attribute's full name.
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            public sealed class Odd
            {
                [MongoDB.Bson.Serialization.Attributes.BsonExtraElements]
                public Dictionary<string, object>? Rest { get; set; }
            }

            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<Odd>;
            """, """
            namespace MongoDB.Bson.Serialization.Attributes;

            [System.AttributeUsage(System.AttributeTargets.All)]
            public sealed class BsonExtraElementsAttribute : System.Attribute
            {
            }
            """));

        AssertOnlyTheFineChannel(run, "MongoDB attribute");
    }

    [Theory]
    [InlineData("ref struct", """
        public ref struct Lens { public int X { get; set; } }
        public sealed class Odd { public Lens View { get => default; set { } } }
        """)]
    [InlineData("cycle through structs", """
        public struct Outer { public Inner Inner { get => default; set { } } }
        public struct Inner { public Outer Outer { get => default; set { } } }
        public sealed class Odd { public Outer Shape { get; set; } }
        """)]
    [InlineData("pointer", """
        public sealed unsafe class Odd { public int* Address { get; set; } }
        """)]
    [InlineData("known type that does not derive", """
        namespace MongoDB.Bson.Serialization.Attributes
        {
            [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
            public sealed class BsonKnownTypesAttribute(params System.Type[] knownTypes) : System.Attribute
            {
                public System.Type[] KnownTypes { get; } = knownTypes;
            }
        }
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Fine))]
        public abstract class Shape { }
        public sealed class Odd { public Shape? Outline { get; set; } }
        """)]
    public void UnsupportedShapeGeneratesNothingForTheChannel(string problem, string types)
    {
        var compilation = GeneratorHarness.Compile(Prelude + types + """

            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<Odd>;
            """);
        var run = GeneratorHarness.Run(compilation.WithOptions(compilation.Options.WithAllowUnsafe(true)));

        AssertOnlyTheFineChannel(run, problem);
    }

    // [BsonKnownTypes] beside the base compiles, but the base's generated codec, in another file, cannot name the class.
    [Fact]
    public void FileLocalKnownTypeGeneratesNothingForTheChannel()
    {
        var mongo = MetadataReference.CreateFromFile(typeof(MongoDB.Bson.ObjectId).Assembly.Location);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("TestAssembly", [mongo], Prelude + """
            [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Square))]
            public class Shape { }
            file sealed class Square : Shape { }
            public sealed class Odd { public Shape? Outline { get; set; } }

            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<Odd>;
            """));

        AssertOnlyTheFineChannel(run, "file-local known type");
    }

    [Theory]
    [InlineData("generic channel", """[Channel("sample/bad")] public partial interface IBadChannel<T> : IQueueChannel<Box<T>>;""")]
    [InlineData("type parameter of a container", """public static partial class Holder<T> { [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Box<List<T>>>; }""")]
    public void OpenGenericMessageGeneratesNothing(string problem, string declaration)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            public sealed class Box<T> { public T? Value { get; set; } }

            """ + declaration));

        AssertOnlyTheFineChannel(run, problem);
    }

    // Before BRK0013 named it, a phantom dynamic reached a codec implementing IBsonCodec<Page<dynamic>>, which C# refuses
    // (CS1966), so the build failed in generated code. Only the channel itself errs (the same CS1966) for a message type.
    [Theory]
    [InlineData("member", """
        public sealed class Odd { public Page<dynamic>? Page { get; set; } }
        [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Odd>;
        """)]
    [InlineData("element deep in the arguments", """
        public sealed record Odd(List<Page<Dictionary<string, dynamic>[]>> Pages);
        [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Odd>;
        """)]
    [InlineData("message type", """
        [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Page<dynamic>>;
        """)]
    [InlineData("tuple element of an argument", """
        public sealed class Odd { public Page<(int Count, dynamic Value)>? Page { get; set; } }
        [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Odd>;
        """)]
    [InlineData("class nested in a generic closed over dynamic", """
        public static class Holder<T> { public sealed class Item { public int Number { get; set; } } }
        public sealed class Odd { public Holder<dynamic>.Item? Item { get; set; } }
        [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<Odd>;
        """)]
    public void DynamicTypeArgumentGeneratesNothing(string problem, string declaration)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            public class Page<T> { public int Number { get; set; } }

            """ + declaration));

        AssertOnlyTheFineChannel(run, problem);
        Assert.DoesNotContain(run.Sources, s => s.SourceText.ToString().Contains("dynamic", StringComparison.Ordinal));
    }

    // A subtype declared for another class's codec goes through the same checks as a channel's message.
    [Fact]
    public void DeclaredSubtypeWithAMemberClosedOverDynamicGeneratesNothingForIt()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(
            "[assembly: Broker.BsonKnownSubtype(typeof(Sample.Account), typeof(Sample.Premium))]",
            Prelude + """
            public class Page<T> { public int Number { get; set; } }
            public class Account { public int Id { get; set; } }
            public sealed class Premium : Account { public Page<dynamic>? Page { get; set; } }
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.DoesNotContain(run.HintNames, h => h.Contains("Premium", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources, s => s.SourceText.ToString().Contains("dynamic", StringComparison.Ordinal));
    }

    // typeof names a file-local class in its own file, but the registration and the codec are generated in others.
    [Fact]
    public void FileLocalDeclaredSubtypeGeneratesNothingForIt()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(
            Prelude + """
            public class Account { public int Id { get; set; } }
            """,
            """
            [assembly: Broker.BsonKnownSubtype(typeof(Sample.Account), typeof(Sample.Premium))]
            [assembly: Broker.BsonKnownSubtype(typeof(Sample.Account), typeof(Sample.Holder.Trial))]

            namespace Sample;

            file sealed class Premium : Account { public string Plan { get; set; } = ""; }
            file static class Holder { public sealed class Trial : Account { public int Days { get; set; } } }
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.DoesNotContain("BrokerBsonSubtypes.g.cs", run.HintNames);
    }

    [Fact]
    public void GenericDefinitionOfAnotherAssemblyWithOnlyAnInternalConstructorGeneratesNothing()
    {
        // The application generates the codec of Boxed<Message>, so it must be able to call what the codec calls.
        var library = GeneratorHarness.Compile("Sample.Library", [], """
            namespace Sample.Library;

            public sealed class Boxed<T>
            {
                internal Boxed(T value) { Value = value; }
                public T Value { get; }
            }
            """);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("TestAssembly", [GeneratorHarness.EmitReference(library)], Prelude + """
            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<Sample.Library.Boxed<Message>>;
            """));

        AssertOnlyTheFineChannel(run, "internal constructor in another assembly");
    }

    [Fact]
    public void MessageWithoutAUsableConstructorGeneratesNothing()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            public sealed class Odd
            {
                public Odd(int unrelated) { }
                public int Value { get; set; }
            }

            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<Odd>;
            """));

        AssertOnlyTheFineChannel(run, "no usable constructor");
    }

    [Fact]
    public void MessageThatIsNotADocumentGeneratesNothing()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            [Channel("sample/bad")]
            public partial interface IBadChannel : IQueueChannel<List<int>>;
            """));

        AssertOnlyTheFineChannel(run, "a list is not a document");
    }

    [Fact]
    public void ChannelsSharingANameAreNeitherGenerated()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            [Channel("sample/twice")]
            public partial interface IFirstChannel : IQueueChannel<Message>;

            [Channel("sample/twice")]
            public partial interface ISecondChannel : IQueueChannel<Message>;
            """));

        AssertOnlyTheFineChannel(run, "duplicate names");
    }

    [Fact]
    public void AnInvalidDeclarationStillClaimsItsName()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            [Channel("sample/twice")]
            public interface INotPartialChannel : IQueueChannel<Message>;

            [Channel("sample/twice")]
            public partial interface IValidChannel : IQueueChannel<Message>;
            """));

        AssertOnlyTheFineChannel(run, "duplicate name with an invalid declaration");
    }

    [Fact]
    public void DedupOnAnAtLeastOnceChannelOnlyWarnsSoTheChannelIsGenerated()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(Prelude + """
            [Channel("sample/warned", Dedup = "1s")]
            public partial interface IWarnedChannel : IQueueChannel<Message>;
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        var source = run.Source("Sample.IWarnedChannel.Channel.g.cs");
        Assert.Contains("dedupInterval: null, // Dedup = \"1s\" has no effect on an AtLeastOnce channel", source, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedReasonNamesTheMemberPathForTheAnalyzer()
    {
        var compilation = GeneratorHarness.Compile("""
            namespace Sample;
            public sealed class Order { public Address? ShipTo { get; set; } }
            public sealed class Address { public System.Collections.Generic.List<Geo>? Points { get; set; } }
            public sealed class Geo { public object? Extra { get; set; } }
            """);
        var order = compilation.GetTypeByMetadataName("Sample.Order")!;

        var supported = CodecParser.TryParse(order, compilation, CancellationToken.None, out _, out var problem);

        Assert.False(supported);
        Assert.Equal("Sample.Order.ShipTo.Points[].Extra", problem!.Path);
        Assert.Equal("object", problem.TypeName);
        Assert.Contains("concrete type", problem.Reason, StringComparison.Ordinal);
    }

    private static void AssertOnlyTheFineChannel(GeneratorRun run, string problem)
    {
        Assert.True(
            run.HintNames.SequenceEqual([
                "BrokerAddChannels.g.cs",
                "BrokerBsonCodecs.g.cs",
                "BrokerChannelRegistry.g.cs",
                "Sample.FineCodec.g.cs",
                "Sample.IFineChannel.Channel.g.cs",
            ]),
            $"{problem}: expected only the valid channel's files, got:\n{string.Join("\n", run.HintNames)}");
        Assert.DoesNotContain("IBadChannel", run.Source("BrokerChannelRegistry.g.cs"), StringComparison.Ordinal);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
    }
}
