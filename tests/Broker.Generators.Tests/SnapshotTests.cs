using Microsoft.CodeAnalysis;
using Broker.Generators.Tests.Infrastructure;

namespace Broker.Generators.Tests;

/// <summary>Every generated source, compared with its checked-in snapshot; and the generated code compiles cleanly.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void SeedChannel() => VerifyGenerated(nameof(SeedChannel), Inputs.SeedUser);

    [Fact]
    public void RichMessage() => VerifyGenerated(nameof(RichMessage), Inputs.RichMessage);

    [Fact]
    public void NestedNamespace() => VerifyGenerated(nameof(NestedNamespace), Inputs.NestedNamespace);

    [Fact]
    public void NoChannels() => VerifyGenerated(nameof(NoChannels), Inputs.NoChannels);

    [Fact]
    public void TwoChannels() => VerifyGenerated(nameof(TwoChannels), Inputs.TwoChannels);

    [Fact]
    public void AttributedHierarchy()
    {
        var mongo = MetadataReference.CreateFromFile(typeof(MongoDB.Bson.ObjectId).Assembly.Location);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("TestAssembly", [mongo], Inputs.AttributedHierarchy));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Snapshot.Verify(nameof(AttributedHierarchy), run);
    }

    [Fact]
    public void NullChecks()
    {
        var mongo = MetadataReference.CreateFromFile(typeof(MongoDB.Bson.ObjectId).Assembly.Location);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("TestAssembly", [mongo], Inputs.NullChecks));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Snapshot.Verify(nameof(NullChecks), run);
    }

    [Fact]
    public void GenericChannelMessage() => VerifyGenerated(nameof(GenericChannelMessage), Inputs.GenericChannelMessage);

    [Fact]
    public void GenericMembers() => VerifyGenerated(nameof(GenericMembers), Inputs.GenericMembers);

    [Fact]
    public void OrderedChannels() => VerifyGenerated(nameof(OrderedChannels), Inputs.OrderedChannels);

    [Fact]
    public void CamelCaseNaming() => VerifyGenerated(nameof(CamelCaseNaming), Inputs.CamelCaseNaming);

    [Fact]
    public void ACodecFollowsTheNamingOfTheAssemblyThatDeclaresTheType()
    {
        // The library names its types camelCase; the application declares a channel of one of them, so it generates
        // that type's codec itself, and must write the same bytes as the library would.
        var library = GeneratorHarness.Compile("Shop.Messages", [], """
            using Broker;

            [assembly: BrokerNaming(BsonNaming.CamelCase)]

            namespace Shop;

            public sealed record User(int Id, string Username);
            """);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Shop.App", [GeneratorHarness.EmitReference(library)], """
            using Broker;

            namespace Shop.App;

            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<Shop.User>;
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        var codec = run.Source("Shop.UserCodec.g.cs");
        Assert.Contains("writer.WriteInt32(global::Broker.Bson.BsonElementName.FromValidatedUtf8(\"id\"u8), value.Id);", codec, StringComparison.Ordinal);
        Assert.Contains("FromValidatedUtf8(\"username\"u8)", codec, StringComparison.Ordinal);
        Assert.DoesNotContain("_id", codec, StringComparison.Ordinal);
    }

    [Fact]
    public void AClosedGenericOfALibraryTypeGetsItsCodecInTheAssemblyThatUsesIt()
    {
        // The library declares the generic type and uses one closed form itself; the application closes it over its own
        // type, which the library cannot know, so the application generates that codec.
        var library = GeneratorHarness.Run(GeneratorHarness.Compile("Shop.Messages", [], """
            using Broker;

            namespace Shop;

            public sealed record Envelope<TPayload>(string Kind, TPayload Payload);

            public sealed class Page<T>
            {
                public int Number { get; set; }
                public System.Collections.Generic.List<T> Items { get; set; } = new();
            }

            [Channel("shop/texts")]
            public partial interface ITextChannel : IQueueChannel<Envelope<string>>;
            """));
        GeneratorHarness.AssertCompilesCleanly(library.Output);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Shop.App", [GeneratorHarness.EmitReference(library.Output)], """
            using Broker;

            namespace Shop.App;

            public sealed record User(int Id, string Name);

            [Channel("app/users")]
            public partial interface IUserChannel : IQueueChannel<Shop.Envelope<Shop.Page<User>>>;
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.Equal(
            ["BrokerAddChannels.g.cs", "BrokerBsonCodecs.g.cs", "BrokerChannelRegistry.g.cs", "Shop.App.IUserChannel.Channel.g.cs", "Shop.App.UserCodec.g.cs",
             "Shop.Envelope_Of_Shop_Page_Of_Shop_App_User_End_Codec.g.cs", "Shop.Page_Of_Shop_App_User_Codec.g.cs"],
            run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        Assert.Contains("internal sealed class Envelope_Of_Shop_Page_Of_Shop_App_User_End_Codec : global::Broker.Bson.IBsonCodec<global::Shop.Envelope<global::Shop.Page<global::Shop.App.User>>>",
            run.Source("Shop.Envelope_Of_Shop_Page_Of_Shop_App_User_End_Codec.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void CodecsOfClosedGenericsNeverShareAName()
    {
        // A.B_C and A.B.C would both read A_B_C: the name with the underscore gets a hash. Outer.Inner and a type in
        // namespace Outer are told apart by their namespaces, and @int is not int.
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("""
            using Broker;

            namespace A
            {
                public sealed record B_C(int X);
                public sealed record Envelope<T>(T Payload);
                public sealed class Outer { public sealed record Inner(int X); }
                public sealed record @int(int X);

                public sealed class Everything
                {
                    public Envelope<B_C>? One { get; set; }
                    public Envelope<B.C>? Two { get; set; }
                    public Envelope<Outer.Inner>? Three { get; set; }
                    public Envelope<global::Outer.Inner>? Four { get; set; }
                    public Envelope<int>? Five { get; set; }
                    public Envelope<A.@int>? Six { get; set; }
                    public Envelope<Envelope<int>[]>? Seven { get; set; }
                    public Envelope<int?>? Eight { get; set; }
                    public Envelope<string?>? Nine { get; set; }
                    public Envelope<string>? Ten { get; set; }
                    // Not sealed: writing compares the value's type with typeof(Page<string?>).
                    public Page<string?>? Eleven { get; set; }
                }

                public class Page<T> { public T? First { get; set; } }

                [Channel("everything")]
                public partial interface IEverythingChannel : IQueueChannel<Everything>;
            }

            namespace A.B
            {
                public sealed record C(int X);
            }

            namespace Outer
            {
                public sealed record Inner(int X);
            }
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        var generic = run.HintNames.Where(h => h.StartsWith("A.Envelope", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["A.Envelope_Of_A_B_C_Codec.g.cs", "A.Envelope_Of_A_B_C_Hd38f7559_Codec.g.cs", "A.Envelope_Of_A_Envelope_Of_int_End_Array_Codec.g.cs",
             "A.Envelope_Of_A_Outer_Inner_Codec.g.cs", "A.Envelope_Of_A_int_H897c6e54_Codec.g.cs", "A.Envelope_Of_Outer_Inner_Codec.g.cs",
             "A.Envelope_Of_int_Codec.g.cs", "A.Envelope_Of_int_Nullable_Codec.g.cs", "A.Envelope_Of_string_Codec.g.cs", "A.Envelope_Of_string_Nullable_Codec.g.cs"],
            generic);
    }

    [Fact]
    public void ANullableArrayTypeArgumentNamesACodecOfItsOwn()
    {
        // Envelope<int[]?> accepts a null payload where Envelope<int[]> refuses it: two codecs, which must not share a
        // name (the same class twice, and the generator failing on the same hint name twice).
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("""
            using Broker;

            namespace A
            {
                public sealed record Envelope<T>(T Payload);

                public sealed class Arrays
                {
                    public Envelope<int[]>? Strict { get; set; }
                    public Envelope<int[]?>? Lenient { get; set; }
                    public Envelope<string[][]>? Jagged { get; set; }
                    public Envelope<string[]?[]>? JaggedLenient { get; set; }
                }

                [Channel("arrays")]
                public partial interface IArraysChannel : IQueueChannel<Arrays>;
            }
            """));

        Assert.Empty(run.Diagnostics);
        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.Equal(
            ["A.Envelope_Of_int_Array_Codec.g.cs", "A.Envelope_Of_int_Array_Nullable_Codec.g.cs", "A.Envelope_Of_string_Array_Array_Codec.g.cs",
             "A.Envelope_Of_string_Array_Nullable_Array_Codec.g.cs"],
            run.HintNames.Where(h => h.StartsWith("A.Envelope", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ApplicationReferencingAChannelLibrary()
    {
        var library = GeneratorHarness.Run(GeneratorHarness.Compile("Sample.Channels", [], Inputs.SeedUser));
        GeneratorHarness.AssertCompilesCleanly(library.Output);
        var libraryReference = GeneratorHarness.EmitReference(library.Output);

        const string app = """
            using Broker;
            using Microsoft.Extensions.DependencyInjection;

            namespace Sample.App;

            public static class Startup
            {
                public static BrokerBuilder Configure(BrokerBuilder builder) => builder.AddChannels();
            }
            """;
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Sample.App", [libraryReference], app));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Snapshot.Verify(nameof(ApplicationReferencingAChannelLibrary), run);
    }

    [Fact]
    public void SubtypeOfAReferencedAssembly()
    {
        // Shop.Messages has the base class and its channel; Shop.Billing declares a subclass of it, which brings a
        // codec for the subclass (and the types it reaches) and its registration under the base and the base's base.
        var library = GeneratorHarness.Run(GeneratorHarness.Compile("Shop.Messages", [], """
            using Broker;

            namespace Shop;

            public class Party
            {
                public int Id { get; set; }
            }

            public class Customer : Party
            {
                public string Name { get; set; } = "";
            }

            [Channel("customer/registered")]
            public partial interface ICustomerChannel : IQueueChannel<Customer>;
            """));
        GeneratorHarness.AssertCompilesCleanly(library.Output);
        // The base's codec, which looks for _t only once a subtype is registered.
        Snapshot.Verify(nameof(SubtypeOfAReferencedAssembly) + "Base", library);
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Shop.Billing", [GeneratorHarness.EmitReference(library.Output)], """
            using Broker;

            [assembly: BsonKnownSubtype(typeof(Shop.Customer), typeof(Shop.Billing.PremiumCustomer))]

            namespace Shop.Billing;

            public sealed class PremiumCustomer : Shop.Customer
            {
                public Plan Plan { get; set; } = new();
            }

            public sealed record Plan(string Code = "basic", int Seats = 1);
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Snapshot.Verify(nameof(SubtypeOfAReferencedAssembly), run);

        // An application referencing both: its AddChannels() runs Shop.Billing's registrations.
        var application = GeneratorHarness.Run(GeneratorHarness.Compile(
            "Shop.App",
            [GeneratorHarness.EmitReference(library.Output), GeneratorHarness.EmitReference(run.Output)],
            """
            using Broker;
            using Microsoft.Extensions.DependencyInjection;

            namespace Shop.App;

            public static class Startup
            {
                public static BrokerBuilder Configure(BrokerBuilder builder) => builder.AddChannels();
            }
            """));
        GeneratorHarness.AssertCompilesCleanly(application.Output);
        Snapshot.Verify(nameof(SubtypeOfAReferencedAssembly) + "Application", application);
    }

    private static void VerifyGenerated(string testName, string source)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Snapshot.Verify(testName, run);
    }
}
