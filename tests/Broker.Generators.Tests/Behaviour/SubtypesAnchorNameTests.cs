using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// The public class an assembly with subtypes and no public type gets is named after the assembly, whose name may hold
/// characters an identifier cannot ('.', '-'): two assemblies that differ only there must not get one class name, or an
/// application that references both could not name either (CS0433), and one named like it would name its own (CS0436).
/// </summary>
public sealed class SubtypesAnchorNameTests
{
    private const string Shared = """
        using Broker;

        namespace Shared;

        public class User
        {
            public int Id { get; set; }
        }

        [Channel("user/registered")]
        public partial interface IUserChannel : IQueueChannel<User>;
        """;

    // Every type internal: the generator gives the assembly its anchor.
    private static string Subtypes(string ns) => $$"""
        [assembly: Broker.BsonKnownSubtype(typeof(Shared.User), typeof({{ns}}.PremiumUser))]

        namespace {{ns}};

        internal sealed class PremiumUser : Shared.User
        {
            public string Plan { get; set; } = "";
        }
        """;

    private const string Application = """
        using Broker;
        using Microsoft.Extensions.DependencyInjection;

        namespace Reader;

        public static class Startup
        {
            public static void Configure(BrokerBuilder builder) => builder.AddChannels();
        }
        """;

    [Fact]
    public void AnApplicationReferencingTwoAssembliesWhoseNamesDifferOnlyInPunctuationNamesBoth()
    {
        var shared = Library("Shared.Messages", Shared);
        var dotted = Library("Billing.Core", Subtypes("Dotted"), shared);
        var dashed = Library("Billing-Core", Subtypes("Dashed"), shared);

        var application = GeneratorHarness.Run(GeneratorHarness.Compile("Reader", [shared, dotted, dashed], Application));

        GeneratorHarness.AssertCompilesCleanly(application.Output);
        var addChannels = application.Source("BrokerAddChannels.g.cs");
        Assert.Contains("// Billing.Core", addChannels, StringComparison.Ordinal);
        Assert.Contains("// Billing-Core", addChannels, StringComparison.Ordinal);
    }

    [Fact]
    public void AnApplicationNamedLikeAReferencedAssemblysAnchorNamesTheReferencedOne()
    {
        var shared = Library("Shared.Messages", Shared);
        var dashed = Library("Billing-Core", Subtypes("Dashed"), shared);

        // The application declares subtypes of its own and has no public type either: it gets an anchor too.
        var application = GeneratorHarness.Run(GeneratorHarness.Compile("Billing.Core", [shared, dashed], Subtypes("Dotted"), """
            using Broker;
            using Microsoft.Extensions.DependencyInjection;

            namespace Dotted;

            internal static class Startup
            {
                public static void Configure(BrokerBuilder builder) => builder.AddChannels();
            }
            """));

        GeneratorHarness.AssertCompilesCleanly(application.Output);
        Assert.Contains("// Billing-Core", application.Source("BrokerAddChannels.g.cs"), StringComparison.Ordinal);
    }

    // typeof of an [Experimental] type is an error (CS9204 unless suppressed) as [Obsolete(error: true)] is: the library's
    // only public type cannot be the one the application names, so the library needs its anchor after all.
    [Fact]
    public void AnAssemblyWhosePublicTypeIsExperimentalGetsAnAnchorTheApplicationNames()
    {
        var shared = Library("Shared.Messages", Shared);
        var billing = Library("Billing", Subtypes("Billing") + """

            [System.Diagnostics.CodeAnalysis.Experimental("BILL001")]
            public static class Preview { }
            """, shared);

        var application = GeneratorHarness.Run(GeneratorHarness.Compile("Reader", [shared, billing], Application));

        GeneratorHarness.AssertCompilesCleanly(application.Output);
        Assert.Contains("typeof(global::Broker.Generated.Billing_BsonSubtypes)", application.Source("BrokerAddChannels.g.cs"), StringComparison.Ordinal);
    }

    // An application may declare a type of the same full name as a library's public type (Billing.Options in both):
    // typeof then binds to the application's own (CS0436), whose module is not the library's, and two libraries with
    // one such type leave typeof ambiguous (CS0433). Another type of the library, that no other assembly shares, is named.
    [Fact]
    public void ATypeTheApplicationAlsoDeclaresIsNotTheOneNamed()
    {
        var shared = Library("Shared.Messages", Shared);
        var billing = Library("Billing", Subtypes("Billing") + """

            public sealed class Options { }
            public sealed class Plans { }
            public sealed class Invoices { }
            """, shared);
        var other = Library("Billing.Legacy", "namespace Billing; public sealed class Options { }");

        var application = GeneratorHarness.Run(GeneratorHarness.Compile("Reader", [shared, billing, other], Application, """
            namespace Billing;

            public sealed class Plans { }
            """));

        GeneratorHarness.AssertCompilesCleanly(application.Output);
        // Options is in Billing.Legacy too, Plans in the application: Invoices is the one type only Billing has.
        Assert.Contains("typeof(global::Billing.Invoices).Module", application.Source("BrokerAddChannels.g.cs"), StringComparison.Ordinal);
    }

    private static MetadataReference Library(string name, string source, params MetadataReference[] references)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(name, references, source));
        GeneratorHarness.AssertCompilesCleanly(run.Output);
        return GeneratorHarness.EmitReference(run.Output);
    }
}
