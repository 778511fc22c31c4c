using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0007: one name, one channel, across the whole compilation.</summary>
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
}
