using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>Declarations the generator can implement get no diagnostic at all.</summary>
public sealed class ValidDeclarationTests
{
    [Fact]
    public Task SeedExampleIsValid() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task EveryAttributeSettingWithValidValuesIsValid() => Verify.AnalyzerAsync("""
        [Channel("billing/invoice-paid_v2", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "2 minutes", MaxAttempts = 1, RetryDelay = "1.5h")]
        internal partial interface IInvoiceChannel : IQueueChannel<User>
        {
        }
        """);

    [Theory]
    [InlineData("5 mins")]
    [InlineData("500")]
    [InlineData("24hours")]
    [InlineData(".5s")]
    [InlineData("1w")]
    [InlineData("7d")]
    public Task DedupWithinTheGrammarAndTheLimitIsValid(string dedup) => Verify.AnalyzerAsync($$"""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "{{dedup}}")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task AtLeastOnceWithoutDedupAndDefaultsIsValid() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("user/deleted", Process = QueueMessageProcessing.AtLeastOnce, MaxAttempts = 10)]
        public partial interface IDeletionChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task NameFromAConstantIsValid() => Verify.AnalyzerAsync("""
        public static class Names
        {
            public const string Registered = "user/registered";
        }

        [Channel(Names.Registered)]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task ChannelNestedInNonGenericPublicOrInternalTypesIsValid() => Verify.AnalyzerAsync("""
        public static partial class Channels
        {
            internal static partial class Users
            {
                [Channel("user/registered")]
                public partial interface IRegistrationChannel : IQueueChannel<User>;
            }
        }
        """);

    [Fact]
    public Task ChannelInheritingIQueueChannelThroughAnotherInterfaceIsValid() => Verify.AnalyzerAsync("""
        public interface IUserChannel : IQueueChannel<User>
        {
            string Describe() => "users";
        }

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IUserChannel;
        """);

    [Fact]
    public Task StaticAndDefaultImplementedMembersAreValid() => Verify.AnalyzerAsync("""
        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>
        {
            static string Name => "user/registered";

            System.Threading.Tasks.ValueTask<ProduceResult> RegisterAsync(User user) => ProduceAsync(user);
        }
        """);

    [Fact]
    public Task PartialInterfaceSpreadOverTwoFilesIsValid() => Verify.AnalyzerAsync(
    [
        """
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce)]
        public partial interface IRegistrationChannel;
        """,
        """
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
    ]);

    [Fact]
    public Task InterfacesWithoutTheAttributeAreIgnored() => Verify.AnalyzerAsync("""
        public interface INotAChannel
        {
            void Anything();
        }
        """);
}
