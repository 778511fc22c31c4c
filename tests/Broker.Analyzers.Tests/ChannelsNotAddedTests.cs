using Broker.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0019: the builder AddBroker returns reaches AddChannels(), or the warning says why channels will not resolve.</summary>
public sealed class ChannelsNotAddedTests
{
    // A channel, and what the generator emits in every compilation that references Broker: AddChannels() on the builder.
    private const string Declarations = """
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        namespace Microsoft.Extensions.DependencyInjection
        {
            internal static class TestAssembly_BrokerChannels
            {
                public static BrokerBuilder AddChannels(this BrokerBuilder builder) => builder;
            }
        }

        """;

    private const string UserRecord = """
        public sealed record User(int Id, string Username);

        """;

    private const string Message =
        "'AddBroker' registers no channel by itself, and 'AddChannels()' is never called on the builder it returns: resolving " +
        "'IRegistrationChannel' would fail with dependency injection's \"No service for type\" error; call '.AddChannels()' on the result";

    private const string Usings = """
        global using Broker;
        global using Microsoft.Extensions.DependencyInjection;

        """;

    // The declarations are a file of their own, which can start with the usings every test needs.
    private static string[] WithDeclarations(string source) => [Usings + Declarations, source];

    [Fact]
    public Task ABuilderThrownAwayIsReportedAtAddBroker() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddBroker|}(b => b.UseInMemory());
            }
        }
        """),
        Verify.Diagnostic(BrokerDiagnostics.ChannelsNotAdded).WithLocation(0).WithMessage(Message));

    [Fact]
    public Task AChainOfBrokerCallsWithoutAddChannelsIsReported() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                services.{|BRK0019:AddBroker|}(b => { b.UseInMemory(); }).Services.AddLogging();
        }
        """));

    [Fact]
    public Task ALocalNeverUsedForAddChannelsIsReported() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static IServiceCollection Configure(IServiceCollection services)
            {
                var broker = services.{|BRK0019:AddBroker|}(b => b.UseInMemory());
                return broker.Services;
            }
        }
        """));

    [Fact]
    public Task TheStaticCallFormIsReportedAtItsMethodName() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                BrokerServiceCollectionExtensions.{|BRK0019:AddBroker|}(services, b => b.UseInMemory());
        }
        """));

    [Fact]
    public Task TopLevelStatementsAreCheckedToo()
    {
        var test = new BrokerAnalyzerTest();
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.TestState.Sources.Add(("Preamble.cs", BrokerAnalyzerTest.Preamble));
        test.TestState.Sources.Add(("Declarations.cs", Usings + Declarations));
        test.TestState.Sources.Add(("Program.cs", """
            var services = new ServiceCollection();
            services.{|BRK0019:AddBroker|}(b => b.UseInMemory());
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task AddChannelsOnTheResultOrInTheConfigureLambdaIsEnough() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Chained(IServiceCollection services) => services.AddBroker(b => b.UseInMemory()).AddChannels();

            public static void InTheLambda(IServiceCollection services) => services.AddBroker(b => b.UseInMemory().AddChannels());

            public static void InALambdaBlock(IServiceCollection services) => services.AddBroker(b =>
            {
                b.UseInMemory();
                b.AddChannels();
            });

            public static void ThroughALocal(IServiceCollection services)
            {
                var broker = services.AddBroker(b => b.UseInMemory());
                services.AddLogging();
                broker.AddChannels();
            }

            public static void ThroughALocalAssignedLater(IServiceCollection services)
            {
                BrokerBuilder broker;
                broker = services.AddBroker(b => b.UseInMemory());
                broker.AddChannels();
            }

            public static void ByHand(IServiceCollection services) =>
                services.AddBroker(b => b.UseInMemory()).AddChannel<IRegistrationChannel>((transport, loggers) => null!);
        }
        """));

    [Fact]
    public Task ABuilderThatGoesWhereTheAnalyzerCannotFollowIsLeftAlone() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static BrokerBuilder Returned(IServiceCollection services) => services.AddBroker(b => b.UseInMemory());

            public static void Passed(IServiceCollection services) => Register(services.AddBroker(b => b.UseInMemory()));

            public static void LambdaPassesItOn(IServiceCollection services) => services.AddBroker(b => Register(b.UseInMemory()));

            public static void MethodGroup(IServiceCollection services) => services.AddBroker(Configure);

            public static void ApplicationHelper(IServiceCollection services) => services.AddBroker(b => b.UseInMemory()).WithEverything();

            private static void Configure(BrokerBuilder builder) => Register(builder.UseInMemory());

            private static void Register(BrokerBuilder builder) => builder.AddChannels();

            private static BrokerBuilder WithEverything(this BrokerBuilder builder) => builder.AddChannels();
        }
        """));

    [Fact]
    public Task WithoutChannelsThereIsNothingToAdd() => Verify.AnalyzerAsync(["""
        using Microsoft.Extensions.DependencyInjection;

        public static class Setup
        {
            public static void Configure(IServiceCollection services) => services.AddBroker(b => b.UseInMemory());
        }
        """]);

    [Fact]
    public Task TheHealthCheckAddBrokerIsAnotherMethod() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddBroker(b => b.UseInMemory()).AddChannels();
                services.AddHealthChecks().AddBroker();
            }
        }
        """));

    [Fact]
    public Task TheCodeFixAppendsAddChannels() => Verify.CodeFixOfWholeFileAsync(Usings + UserRecord + Declarations + """
        public static class Setup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|BRK0019:AddBroker|}(b => b.UseInMemory());
                var kept = services.{|BRK0019:AddBroker|}(b => b.UseInMemory());
                _ = kept.Services;
            }
        }
        """, Usings + UserRecord + Declarations + """
        public static class Setup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddBroker(b => b.UseInMemory()).AddChannels();
                var kept = services.AddBroker(b => b.UseInMemory()).AddChannels();
                _ = kept.Services;
            }
        }
        """);

    [Fact]
    public async Task InABuildTheChannelsOfAReferencedLibraryCountAndTheFixedCallIsClean()
    {
        var library = await SimulatedBuild.RunAsync(SimulatedBuild.Compile("Shop.Channels", [SimulatedBuild.Parse("""
            using Broker;

            namespace Shop;

            public sealed record Order(int Id);

            [Channel("orders/placed")]
            public partial interface IOrderChannel : IQueueChannel<Order>;
            """, "Channels.cs")]));
        Assert.Empty(library.BrokerDiagnostics);
        const string app = """
            using Broker;
            using Microsoft.Extensions.DependencyInjection;

            var services = new ServiceCollection();
            services.AddBroker(b => b.UseInMemory()){0};
            """;

        var forgotten = await BuildAppAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, app, ""));
        var fixedApp = await BuildAppAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, app, ".AddChannels()"));

        var diagnostic = Assert.Single(forgotten.BrokerDiagnostics);
        Assert.Equal(BrokerDiagnostics.ChannelsNotAddedId, diagnostic.Id);
        Assert.Equal("AddBroker", diagnostic.Location.SourceTree!.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("resolving the channels of 'Shop.Channels' would fail", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(fixedApp.BrokerDiagnostics);
        Assert.Empty(fixedApp.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));

        Task<BuildResult> BuildAppAsync(string source) => SimulatedBuild.RunAsync(SimulatedBuild.Compile(
            "Shop.App", [SimulatedBuild.Parse(source, "Program.cs")], [library.Output.ToMetadataReference()], OutputKind.ConsoleApplication));
    }
}
