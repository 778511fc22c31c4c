using Broker.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0007: one name, one channel, across the whole compilation and the assemblies it references.</summary>
public sealed class DuplicateChannelNameTests
{
    [Fact]
    public Task SameNameTwiceIsReportedAtBothNameArgumentsEachNamingTheOther() => Verify.AnalyzerAsync("""
        public sealed record Order(int Id);

        [Channel({|#0:"user/registered"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel({|#1:"user/registered"|})]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(0).WithMessage(
            "Channel name 'user/registered' is also declared by 'IOrderChannel'; give each channel interface its own name, or use one interface for both"),
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(1).WithArguments("user/registered", "IRegistrationChannel"));

    [Fact]
    public Task DuplicatesInDifferentFilesAndNamespacesAreReportedWithFullNames() => Verify.AnalyzerAsync(
    [
        """
        namespace Accounts
        {
            [Channel({|#0:"user/registered"|})]
            public partial interface IRegistrationChannel : IQueueChannel<User>;
        }
        """,
        """
        namespace Mail
        {
            [Channel({|#1:"user/registered"|})]
            public partial interface IRegistrationChannel : IQueueChannel<User>;
        }
        """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(0).WithArguments("user/registered", "Mail.IRegistrationChannel"),
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(1).WithArguments("user/registered", "Accounts.IRegistrationChannel"));

    [Fact]
    public Task ThreeDeclarationsEachNameBothOthers() => Verify.AnalyzerAsync("""
        [Channel({|#0:"user/registered"|})]
        public partial interface IA : IQueueChannel<User>;

        [Channel({|#1:"user/registered"|})]
        public partial interface IB : IQueueChannel<User>;

        [Channel({|#2:"user/registered"|})]
        public partial interface IC : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(0).WithArguments("user/registered", "IB', 'IC"),
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(1).WithArguments("user/registered", "IA', 'IC"),
        Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(2).WithArguments("user/registered", "IA', 'IB"));

    [Fact]
    public Task NamesDifferingOnlyInCaseAreDistinctChannels() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("User/Registered")]
        public partial interface ILegacyRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task TheSameInvalidNameTwiceIsOnlyReportedAsInvalid() => Verify.AnalyzerAsync("""
        [Channel({|BRK0006:"bad name"|})]
        public partial interface IA : IQueueChannel<User>;

        [Channel({|BRK0006:"bad name"|})]
        public partial interface IB : IQueueChannel<User>;
        """);

    [Fact]
    public async Task ANameAReferencedAssemblyDeclaresIsReportedNamingTheAssembly()
    {
        var test = new BrokerAnalyzerTest { TestCode = BrokerAnalyzerTest.Preamble + """
            [Channel({|#0:"user/registered"|})]
            public partial interface IWelcomeChannel : IQueueChannel<User>;

            [Channel("mail/sent")]
            public partial interface IMailChannel : IQueueChannel<User>;
            """ };
        test.TestState.AdditionalReferences.Add(await CompiledLibraryAsync("Accounts", """
            namespace Accounts;

            public sealed record Signup(int Id);

            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<Signup>;
            """));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(0).WithMessage(
            "Channel name 'user/registered' is also declared by 'Accounts.IRegistrationChannel' in referenced assembly 'Accounts'; " +
            "give each channel interface its own name, or use one interface for both"));
        await test.RunAsync();
    }

    [Fact]
    public async Task ALocalDuplicateAlsoDeclaredByAReferenceNamesAllThree()
    {
        var test = new BrokerAnalyzerTest { TestCode = BrokerAnalyzerTest.Preamble + """
            [Channel({|#0:"user/registered"|})]
            public partial interface IA : IQueueChannel<User>;

            [Channel({|#1:"user/registered"|})]
            public partial interface IB : IQueueChannel<User>;
            """ };
        test.TestState.AdditionalReferences.Add(await CompiledLibraryAsync("Accounts", """
            namespace Accounts.Legacy;

            public sealed record Signup(int Id);

            [Channel("user/registered")]
            public partial interface IOldRegistrationChannel : IQueueChannel<Signup>;
            """));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(0)
            .WithArguments("user/registered", "IB', 'Accounts.Legacy.IOldRegistrationChannel' in referenced assembly 'Accounts"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(BrokerDiagnostics.DuplicateName).WithLocation(1)
            .WithArguments("user/registered", "IA', 'Accounts.Legacy.IOldRegistrationChannel' in referenced assembly 'Accounts"));
        await test.RunAsync();
    }

    [Fact]
    public async Task DistinctNamesAcrossAReferenceAreFine()
    {
        var test = new BrokerAnalyzerTest { TestCode = BrokerAnalyzerTest.Preamble + """
            [Channel("user/welcomed")]
            public partial interface IWelcomeChannel : IQueueChannel<User>;
            """ };
        test.TestState.AdditionalReferences.Add(await CompiledLibraryAsync("Accounts", """
            namespace Accounts;

            public sealed record Signup(int Id);

            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<Signup>;
            """));
        await test.RunAsync();
    }

    // A project the test source references: built with the generator, as a ProjectReference would be.
    private static async Task<MetadataReference> CompiledLibraryAsync(string assemblyName, string source)
    {
        var build = await SimulatedBuild.RunAsync(SimulatedBuild.Compile(assemblyName, [SimulatedBuild.Parse("global using Broker;\n" + source, assemblyName + ".cs")]));
        // A library the generator skipped would have no registry, and nothing for the analyzer to find.
        Assert.Empty(build.BrokerDiagnostics);
        Assert.Contains(build.Output.Assembly.GetAttributes(), a => a.AttributeClass?.Name == "ChannelRegistryAttribute");
        using var image = new MemoryStream();
        var emitted = build.Output.Emit(image);
        Assert.True(emitted.Success, BuildResult.Describe(emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
