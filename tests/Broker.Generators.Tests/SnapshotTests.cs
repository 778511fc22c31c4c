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
