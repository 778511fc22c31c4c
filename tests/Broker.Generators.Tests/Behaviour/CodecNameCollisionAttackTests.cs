using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Codec-name collisions where they are hardest to follow: three codecs on one name, the renamed ones reached as members
/// (in a list, a nullable struct, a dictionary), as a known type and as a channel's message, a subtype declared with
/// <c>[assembly: BsonKnownSubtype]</c>; whichever order the files come in; and across edits that make and unmake a collision.
/// </summary>
public sealed class CodecNameCollisionAttackTests
{
    private const string Types = """
        using System.Collections.Generic;
        using MongoDB.Bson.Serialization.Attributes;

        namespace Shop;

        [BsonKnownTypes(typeof(Outer.Inner))]
        public abstract class Animal
        {
            public string Name { get; set; } = "";
        }

        public static class Outer
        {
            // Outer_InnerCodec by the scheme, and first of the three by type name: it keeps the name.
            public sealed class Inner : Animal { public int Legs { get; set; } }
        }

        // Outer_InnerCodec too: renamed.
        public struct Outer_Inner { public int Number { get; set; } }

        #pragma warning disable CS8981 // A lowercase type name, on purpose.
        // outer_InnerCodec: another class, but its file differs from Outer_InnerCodec's in case only: renamed.
        public sealed class outer_Inner { public string Text { get; set; } = ""; }
        #pragma warning restore CS8981

        public sealed class Order
        {
            public List<Outer.Inner> Animals { get; set; } = new();
            public Outer_Inner? Single { get; set; }
            public Dictionary<string, outer_Inner> ByName { get; set; } = new();
            public Animal? Pet { get; set; }
        }
        """;

    // The attribute as MongoDB.Bson declares it; these compilations do not reference MongoDB.Bson.
    private const string KnownTypes = """
        namespace MongoDB.Bson.Serialization.Attributes;

        [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
        public sealed class BsonKnownTypesAttribute(params System.Type[] knownTypes) : System.Attribute
        {
            public System.Type[] KnownTypes { get; } = knownTypes;
        }
        """;

    // Not a const: on its own, without Types, it is no valid input (CleanSourcesTests compiles every const that declares a channel).
    private static readonly string Channels = """
        using Broker;

        namespace Shop;

        [Channel("shop/orders")]
        public partial interface IOrderChannel : IQueueChannel<Order>;

        [Channel("shop/numbers")]
        public partial interface INumberChannel : IQueueChannel<Outer_Inner>;

        [Channel("shop/texts")]
        public partial interface ITextChannel : IQueueChannel<outer_Inner>;
        """;

    [Fact]
    public void ThreeCodecsOnOneNameGetThreeNamesAndEveryReferenceFollows()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Collisions", [], Types, Channels, KnownTypes));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        var colliding = run.HintNames.Where(h => h.StartsWith("Shop.Outer_Inner", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(3, colliding.Count);
        Assert.Contains("Shop.Outer_InnerCodec.g.cs", colliding);
        Assert.Equal(3, colliding.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void TheSameCodeIsGeneratedWhateverTheOrderOfTheFiles()
    {
        var forward = Generated(GeneratorHarness.Run(GeneratorHarness.Compile("Collisions", [], Types, Channels, KnownTypes)));
        var backward = Generated(GeneratorHarness.Run(GeneratorHarness.Compile("Collisions", [], KnownTypes, Channels, Types)));

        Assert.Equal(forward.Keys.Order(StringComparer.Ordinal), backward.Keys.Order(StringComparer.Ordinal));
        foreach (var (hint, text) in forward)
            Assert.Equal(text, backward[hint]);
    }

    [Fact]
    public void AnEditThatMakesACollisionRenamesTheCodecAndItsChannelAndOneThatUnmakesItNamesThemBack()
    {
        const string Before = """
            using Broker;

            namespace Shop;

            public sealed class Outer_Inner { public int Number { get; set; } }

            [Channel("shop/numbers")]
            public partial interface INumberChannel : IQueueChannel<Outer_Inner>;
            """;
        // Outer.Inner sorts before Outer_Inner: the codec that was there first is the one renamed.
        const string Added = """
            using Broker;

            namespace Shop;

            public static class Outer
            {
                public sealed class Inner { public string Text { get; set; } = ""; }
            }

            [Channel("shop/texts")]
            public partial interface ITextChannel : IQueueChannel<Outer.Inner>;
            """;
        var compilation = GeneratorHarness.Compile("Collisions", [], Before);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var channel = Channel(driver);
        Assert.Contains("global::Broker.Generated.Bson.Shop.Outer_InnerCodec.Instance", channel, StringComparison.Ordinal);

        var added = CSharpSyntaxTree.ParseText(Added, GeneratorHarness.ParseOptions, path: "Added.cs");
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation.AddSyntaxTrees(added), out var withCollision, out _);
        GeneratorHarness.AssertCompilesCleanly(withCollision);
        Assert.DoesNotContain("Outer_InnerCodec.Instance", Channel(driver), StringComparison.Ordinal);
        Assert.Contains("Shop.Outer_Inner_H", string.Join(",", driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.HintName)), StringComparison.Ordinal);

        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var without, out _);
        GeneratorHarness.AssertCompilesCleanly(without);
        Assert.Equal(channel, Channel(driver));
    }

    [Fact]
    public void ADeclaredSubtypeWhoseCodecIsRenamedIsRegisteredWithItsNewCodec()
    {
        const string Shared = """
            using Broker;

            namespace Shared;

            public class User { public int Id { get; set; } }

            [Channel("user/registered")]
            public partial interface IUserChannel : IQueueChannel<User>;
            """;
        // The subtype's codec is Envelope_Of_int_Codec, as is that of Envelope<int>, which sorts first ('<' before '_').
        // Not a const, for the same reason: it needs Shared.
        var billing = """
            using Broker;

            [assembly: Broker.BsonKnownSubtype(typeof(Shared.User), typeof(Billing.Envelope_Of_int_))]

            namespace Billing;

            public sealed class Envelope<T> { public T Value { get; set; } = default!; }

            public sealed class Envelope_Of_int_ : Shared.User { public string Plan { get; set; } = ""; }

            [Channel("billing/numbers")]
            public partial interface INumberChannel : IQueueChannel<Envelope<int>>;
            """;
        var process = new TwoAssemblies("Shared.Messages", Shared, "Billing", billing);
        process.InitializeB();
        var userType = process.TypeA("Shared.User");
        var subtype = process.TypeB("Billing.Envelope_Of_int_");
        var premium = Activator.CreateInstance(subtype)!;
        userType.GetProperty("Id")!.SetValue(premium, 5);
        subtype.GetProperty("Plan")!.SetValue(premium, "gold");

        var read = RoundTrip(userType, premium);

        Assert.Same(subtype, read.GetType());
        Assert.Equal("gold", subtype.GetProperty("Plan")!.GetValue(read));
        Assert.Contains(process.RunB.HintNames, h => h.StartsWith("Billing.Envelope_Of_int_H", StringComparison.Ordinal));
    }

    [Fact]
    public void WithACollisionAndAnAnchorAnUnrelatedEditEmitsNothingAndAPublicTypeRemovesTheAnchor()
    {
        // Nothing public: the assembly gets an anchor; and two codecs on one name.
        const string Internal = """
            using Broker;

            [assembly: BsonKnownSubtype(typeof(Shop.Account), typeof(Shop.Outer.Inner))]

            namespace Shop;

            internal class Account { public int Id { get; set; } }

            internal static class Outer
            {
                internal sealed class Inner : Account { public string Text { get; set; } = ""; }
            }

            internal sealed class Outer_Inner { public int Number { get; set; } }

            [Channel("shop/accounts")]
            internal partial interface IAccountChannel : IQueueChannel<Account>;

            [Channel("shop/numbers")]
            internal partial interface INumberChannel : IQueueChannel<Outer_Inner>;
            """;
        var compilation = GeneratorHarness.Compile("Collisions", [], Internal);
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        GeneratorHarness.AssertCompilesCleanly(output);
        Assert.Contains("public static class Collisions_BsonSubtypes", Subtypes(driver), StringComparison.Ordinal);

        var unrelated = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; internal sealed class Unrelated { }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(unrelated).GetRunResult().Results.Single();
        StepAssertions.AllCachedOrUnchanged(result);
        Assert.All(IncrementalSteps.SourceOutputs(result), o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{string.Join(", ", o.HintNames)} was emitted again ({o.Reason})."));

        var withPublic = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public sealed class Api { }", GeneratorHarness.ParseOptions, path: "Api.cs"));
        driver = driver.RunGeneratorsAndUpdateCompilation(withPublic, out output, out _);
        GeneratorHarness.AssertCompilesCleanly(output);
        Assert.DoesNotContain("Collisions_BsonSubtypes", Subtypes(driver), StringComparison.Ordinal);
    }

    private static string Subtypes(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "BrokerBsonSubtypes.g.cs").SourceText.ToString();

    private static object RoundTrip(Type nominalType, object value) =>
        typeof(CodecNameCollisionAttackTests).GetMethod(nameof(RoundTripAs), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(nominalType).Invoke(null, [value])!;

    private static object RoundTripAs<T>(object value) => Broker.Bson.BsonCodec.Deserialize<T>(Broker.Bson.BsonCodec.ToBson((T)value))!;

    private static string Channel(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "Shop.INumberChannel.Channel.g.cs").SourceText.ToString();

    private static Dictionary<string, string> Generated(GeneratorRun run)
    {
        GeneratorHarness.AssertCompilesCleanly(run.Output);
        return run.Sources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
    }
}
