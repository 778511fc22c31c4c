using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0015 to BRK0017: rules the generator always enforced (it skipped such declarations) that now also say why: a
/// Process value no adapter knows, a containing type that cannot receive the generated class, a name the generated
/// class needs.
/// </summary>
public sealed class GenerationTargetTests
{
    [Fact]
    public Task ProcessOutsideTheEnumIsReportedAtTheProcessArgument() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Process = {|#0:(QueueMessageProcessing)7|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidProcess).WithLocation(0).WithMessage(
            "Process = 7 is not a QueueMessageProcessing value; write QueueMessageProcessing.ExactlyOnce or QueueMessageProcessing.AtLeastOnce (the default)"));

    [Fact]
    public Task NegativeProcessFromAConstantIsReported() => Verify.AnalyzerAsync("""
        public static class Settings
        {
            public const QueueMessageProcessing Unknown = (QueueMessageProcessing)(-1);
        }

        [Channel("user/registered", Process = {|#0:Settings.Unknown|}, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidProcess).WithLocation(0).WithArguments("-1"));

    [Fact]
    public Task ContainingTypeWithoutPartialIsReportedAtItsIdentifier() => Verify.AnalyzerAsync("""
        namespace Accounts
        {
            public static class {|#0:Channels|}
            {
                [Channel("user/registered")]
                public partial interface IRegistrationChannel : IQueueChannel<User>;
            }
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.ContainerNotPartial).WithLocation(0).WithMessage(
            "'Accounts.Channels' must be partial because it contains channel interface 'Accounts.Channels.IRegistrationChannel', " +
            "whose generated implementation is declared inside it; add 'partial' to 'Accounts.Channels'"));

    [Fact]
    public Task EveryContainingTypeWithoutPartialIsReported() => Verify.AnalyzerAsync("""
        public class {|#0:Outer|}
        {
            public partial struct Middle
            {
                internal record {|#1:Inner|}
                {
                    [Channel("user/registered")]
                    public partial interface IRegistrationChannel : IQueueChannel<User>;
                }
            }
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.ContainerNotPartial).WithLocation(0)
            .WithArguments("Outer", "Outer.Middle.Inner.IRegistrationChannel"),
        Verify.Diagnostic(BrokerDiagnostics.ContainerNotPartial).WithLocation(1)
            .WithArguments("Outer.Middle.Inner", "Outer.Middle.Inner.IRegistrationChannel"));

    [Fact]
    public Task ContainingTypePartialInAnotherFileIsValid() => Verify.AnalyzerAsync(
    [
        """
        public static partial class Channels
        {
            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<User>;
        }
        """,
        """
        public static partial class Channels
        {
            public const string Prefix = "user/";
        }
        """,
    ]);

    [Fact]
    public Task NestedTypeNamedImplementationIsReportedAtItsName() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>
        {
            public sealed class {|#0:Implementation|}
            {
            }
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.ImplementationNameTaken).WithLocation(0).WithMessage(
            "Channel interface 'IRegistrationChannel' declares a member named 'Implementation', the name of the class the generator nests in it; rename the member"));

    [Fact]
    public Task StaticPropertyNamedImplementationIsReported() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>
        {
            static string {|BRK0017:Implementation|} => "mail";
        }
        """);

    [Fact]
    public Task AbstractMemberNamedImplementationIsReportedForBothReasons() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>
        {
            void {|BRK0012:{|BRK0017:Implementation|}|}();
        }
        """);

    [Fact]
    public Task MemberNamedImplementationInABaseInterfaceIsNoClash() => Verify.AnalyzerAsync("""
        public interface IDescribed
        {
            static string Implementation => "base";
        }

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>, IDescribed;
        """);

    [Fact]
    public Task TheGeneratorsOwnImplementationClassIsNoClash() => Verify.AnalyzerAsync(
    [
        """
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        // What the generator adds, as the analyzers see it in a build: analyzers run after generators.
        """
        partial interface IRegistrationChannel
        {
            [System.CodeDom.Compiler.GeneratedCode("Broker.Generators", "0.1.0.0")]
            internal sealed class Implementation
            {
            }
        }
        """,
    ]);
}
