using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0001 to BRK0005 and BRK0012: the interface itself must be something the generator can implement.</summary>
public sealed class ChannelShapeTests
{
    [Fact]
    public Task NonPartialInterfaceIsReportedAtItsIdentifier() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public interface {|#0:IRegistrationChannel|} : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.NotPartial).WithLocation(0).WithMessage(
            "Channel interface 'IRegistrationChannel' must be partial so that the generator can implement it; write 'partial interface IRegistrationChannel'"));

    [Fact]
    public Task InterfaceWithoutQueueChannelBaseIsReportedAtItsIdentifier() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface {|#0:IRegistrationChannel|};
        """,
        Verify.Diagnostic(BrokerDiagnostics.NoQueueChannelBase).WithLocation(0).WithArguments("IRegistrationChannel"));

    [Fact]
    public Task InterfaceWithUnrelatedBasesButNoQueueChannelIsReported() => Verify.AnalyzerAsync("""
        public interface IMarker;

        [Channel("user/registered")]
        public partial interface {|BRK0002:IRegistrationChannel|} : IMarker;
        """);

    [Fact]
    public Task TwoQueueChannelBasesAreReportedOnTheBaseList() => Verify.AnalyzerAsync("""
        public sealed record Order(int Id);

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : {|#0:IQueueChannel<User>, IQueueChannel<Order>|};
        """,
        Verify.Diagnostic(BrokerDiagnostics.MultipleQueueChannelBases).WithLocation(0)
            .WithArguments("IRegistrationChannel", "Broker.IQueueChannel<User>, Broker.IQueueChannel<Order>"));

    [Fact]
    public Task QueueChannelBaseReachedTwiceThroughOtherInterfacesIsReported() => Verify.AnalyzerAsync("""
        public sealed record Order(int Id);
        public interface IUserChannel : IQueueChannel<User>;
        public interface IOrderChannel : IQueueChannel<Order>;

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : {|BRK0003:IUserChannel, IOrderChannel|};
        """);

    [Fact]
    public Task GenericInterfaceIsReportedAtItsTypeParameters() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel{|#0:<T>|} : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.Generic).WithLocation(0).WithMessage(
            "Channel interface 'IRegistrationChannel' has type parameters; declare it as a non-generic interface outside generic types and put the message type in IQueueChannel<T>"));

    [Fact]
    public Task InterfaceNestedInGenericTypeIsReportedNamingTheContainer() => Verify.AnalyzerAsync("""
        public static partial class Channels<T>
        {
            [Channel("user/registered")]
            public partial interface {|#0:IRegistrationChannel|} : IQueueChannel<User>;
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.Generic).WithLocation(0)
            .WithArguments("IRegistrationChannel", "is nested in the generic type 'Channels<T>'"));

    [Fact]
    public Task PrivateNestedInterfaceIsReportedAtItsIdentifier() => Verify.AnalyzerAsync("""
        public static partial class Channels
        {
            [Channel("user/registered")]
            private partial interface {|#0:IRegistrationChannel|} : IQueueChannel<User>;
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.NotAccessible).WithLocation(0).WithMessage(
            "Channel interface 'IRegistrationChannel' cannot be implemented by the generated code because it is private; make it and every type that contains it public or internal"));

    [Fact]
    public Task PublicInterfaceInsideAProtectedTypeIsReportedNamingThatType() => Verify.AnalyzerAsync("""
        public partial class Outer
        {
            protected static partial class Channels
            {
                [Channel("user/registered")]
                public partial interface {|#0:IRegistrationChannel|} : IQueueChannel<User>;
            }
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.NotAccessible).WithLocation(0)
            .WithArguments("IRegistrationChannel", "its containing type 'Outer.Channels' is protected"));

    [Fact]
    public Task FileLocalInterfaceIsReportedAtItsIdentifier() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        file partial interface {|#0:IRegistrationChannel|} : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.NotAccessible).WithLocation(0).WithArguments("IRegistrationChannel", "it is file-local"));

    [Fact]
    public Task AbstractMethodIsReportedAtTheMember() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>
        {
            void {|#0:Register|}(User user);

            int {|#1:Count|} { get; }
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnimplementableMember).WithLocation(0).WithMessage(
            "Channel interface 'IRegistrationChannel' declares 'Register', which the generated channel cannot implement; remove it, or give it a default implementation built on ProduceAsync, ConsumeAsync or DeadLetters"),
        Verify.Diagnostic(BrokerDiagnostics.UnimplementableMember).WithLocation(1).WithArguments("IRegistrationChannel", "declares", "Count"));

    [Fact]
    public Task AbstractMemberOfAnotherBaseIsReportedAtTheBaseListEntry() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>, {|#0:System.IDisposable|};
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnimplementableMember).WithLocation(0)
            .WithArguments("IRegistrationChannel", "inherits", "System.IDisposable.Dispose"));

    [Fact]
    public Task StaticAbstractMembersAreReportedDeclaredOrInherited() => Verify.AnalyzerAsync("""
        public interface INamed
        {
            static abstract string Label { get; }
        }

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>, {|#1:INamed|}
        {
            static abstract string {|#0:Describe|}();

            static string Plain() => "a static member with a body needs nothing";
        }
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnimplementableMember).WithLocation(0).WithArguments("IRegistrationChannel", "declares", "Describe"),
        Verify.Diagnostic(BrokerDiagnostics.UnimplementableMember).WithLocation(1).WithArguments("IRegistrationChannel", "inherits", "INamed.Label"));

    [Fact]
    public Task InheritedMemberWithADefaultImplementationInTheChannelIsValid() => Verify.AnalyzerAsync("""
        public interface IDescribed
        {
            string Describe();
        }

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>, IDescribed
        {
            string IDescribed.Describe() => "registrations";
        }
        """);

    [Fact]
    public Task EveryProblemOfOneDeclarationIsReported() => Verify.AnalyzerAsync("""
        [Channel({|BRK0006:""|}, Dedup = {|BRK0009:"1s"|}, MaxAttempts = {|BRK0010:0|})]
        interface {|BRK0001:IBroken|}{|BRK0004:<T>|} : IQueueChannel<User>;
        """);
}
