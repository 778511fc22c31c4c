using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>Each code fix leaves a declaration with no diagnostic left (the verifier checks the fixed code too).</summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task AddPartialPutsItBeforeInterface() => Verify.CodeFixAsync("""
        [Channel("user/registered")]
        public interface {|BRK0001:IRegistrationChannel|} : IQueueChannel<User>;
        """, """
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task AddPartialToAnInterfaceWithoutModifiersKeepsTheLayout() => Verify.CodeFixAsync("""
        public static partial class Channels
        {
            [Channel("user/registered")]
            internal interface {|BRK0001:IRegistrationChannel|} : IQueueChannel<User>
            {
            }
        }

        [Channel("user/deleted")]
        interface {|BRK0001:IDeletionChannel|} : IQueueChannel<User>;
        """, """
        public static partial class Channels
        {
            [Channel("user/registered")]
            internal partial interface IRegistrationChannel : IQueueChannel<User>
            {
            }
        }

        [Channel("user/deleted")]
        partial interface IDeletionChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task AddPartialToTheContainingType() => Verify.CodeFixAsync("""
        public static class {|BRK0016:Channels|}
        {
            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<User>;
        }
        """, """
        public static partial class Channels
        {
            [Channel("user/registered")]
            public partial interface IRegistrationChannel : IQueueChannel<User>;
        }
        """);

    [Fact]
    public Task AddPartialToEveryContainingTypeAndTheInterface() => Verify.CodeFixAsync("""
        internal sealed record {|BRK0016:Outer|}
        {
            public struct {|BRK0016:Inner|}
            {
                [Channel("user/registered")]
                public interface {|BRK0001:IRegistrationChannel|} : IQueueChannel<User>;
            }
        }
        """, """
        internal sealed partial record Outer
        {
            public partial struct Inner
            {
                [Channel("user/registered")]
                public partial interface IRegistrationChannel : IQueueChannel<User>;
            }
        }
        """);

    [Fact]
    public Task SuggestedDedupReplacesTheLiteral() => Verify.CodeFixAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|BRK0008:"1 secs."|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1 secs")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task CompoundDedupBecomesOneUnit() => Verify.CodeFixAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|BRK0008:"1h30m"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "90m")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task SuggestedRetryDelayReplacesTheLiteral() => Verify.CodeFixAsync("""
        [Channel("user/registered", RetryDelay = {|BRK0011:"00:00:30"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", RetryDelay = "30s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task DedupWithoutASuggestionOffersNoFix() => Verify.CodeFixAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|BRK0008:"-5m"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|BRK0008:"-5m"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task DedupFromAConstantIsNotRewritten() => Verify.CodeFixAsync("""
        public static class Windows
        {
            public const string Short = "1h30m";
        }

        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|BRK0008:Windows.Short|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        public static class Windows
        {
            public const string Short = "1h30m";
        }

        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|BRK0008:Windows.Short|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task RemoveDedupFromAnAtLeastOnceChannel() => Verify.CodeFixAsync("""
        [Channel("user/registered", Dedup = {|BRK0009:"1s"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, equivalenceKey: "Remove Dedup");

    [Fact]
    public Task RemoveDedupBetweenOtherArgumentsKeepsTheirCommas() => Verify.CodeFixAsync("""
        [Channel("user/registered", Dedup = {|BRK0009:"1s"|}, MaxAttempts = 3)]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", MaxAttempts = 3)]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, equivalenceKey: "Remove Dedup");

    [Fact]
    public Task MakeExactlyOnceAddsProcessBeforeDedup() => Verify.CodeFixAsync("""
        [Channel("user/registered", Dedup = {|BRK0009:"1s"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, equivalenceKey: "Make the channel ExactlyOnce");

    [Fact]
    public Task MakeExactlyOnceRewritesAnExplicitAtLeastOnce() => Verify.CodeFixAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.AtLeastOnce, Dedup = {|BRK0009:"1s"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, equivalenceKey: "Make the channel ExactlyOnce");

    [Fact]
    public Task MakeExactlyOnceQualifiesTheEnumWhenBrokerIsNotImported() => Verify.CodeFixOfWholeFileAsync("""
        namespace Accounts
        {
            public sealed record User(int Id);

            [Broker.Channel("user/registered", Dedup = {|BRK0009:"1s"|})]
            public partial interface IRegistrationChannel : Broker.IQueueChannel<User>;
        }
        """, """
        namespace Accounts
        {
            public sealed record User(int Id);

            [Broker.Channel("user/registered", Process = Broker.QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
            public partial interface IRegistrationChannel : Broker.IQueueChannel<User>;
        }
        """, equivalenceKey: "Make the channel ExactlyOnce");

    [Fact]
    public Task OrderByInTheWrongCaseGetsTheMembersSpelling() => Verify.CodeFixAsync("""
        [Channel("user/registered", OrderBy = {|BRK0020:"username"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", OrderBy = "Username")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task MisspelledOrderByGetsTheNearestMember() => Verify.CodeFixAsync("""
        [Channel("user/registered", OrderBy = {|BRK0020:"Usrename"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        [Channel("user/registered", OrderBy = "Username")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task OrderByNameOfAnotherTypesMemberBecomesNameOfTheMessagesMember() => Verify.CodeFixAsync("""
        namespace Shop
        {
            public sealed record Order(string CustomerId);
            public sealed record Shipment(string CustomerID, int Boxes);

            [Channel("shipments/sent", OrderBy = {|BRK0020:nameof(Order.CustomerId)|})]
            public partial interface IShipmentChannel : IQueueChannel<Shipment>;
        }
        """, """
        namespace Shop
        {
            public sealed record Order(string CustomerId);
            public sealed record Shipment(string CustomerID, int Boxes);

            [Channel("shipments/sent", OrderBy = nameof(Shipment.CustomerID))]
            public partial interface IShipmentChannel : IQueueChannel<Shipment>;
        }
        """);

    [Fact]
    public Task OrderByWithoutOneNearMemberOffersNoFix() => Verify.CodeFixAsync("""
        public sealed record Pair(string Left1, string Left2);

        [Channel("pairs/made", OrderBy = {|BRK0020:"Left"|})]
        public partial interface IPairChannel : IQueueChannel<Pair>;
        """, """
        public sealed record Pair(string Left1, string Left2);

        [Channel("pairs/made", OrderBy = {|BRK0020:"Left"|})]
        public partial interface IPairChannel : IQueueChannel<Pair>;
        """);
}
