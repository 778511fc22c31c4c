using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0006's fix writes the valid channel name derived from an invalid one (<see cref="ChannelNameSuggestion"/>), and
/// none when no valid name follows from it or the name is not a literal.
/// </summary>
public sealed class ChannelNameCodeFixTests
{
    [Theory]
    [InlineData("user registered", "user-registered")]
    [InlineData("User Registered", "User-Registered")]
    [InlineData("user.registered", "user/registered")]
    [InlineData("billing::invoice paid", "billing/invoice-paid")]
    [InlineData("/user//registered/", "user/registered")]
    [InlineData("-user_", "user")]
    [InlineData("user - registered", "user-registered")]
    [InlineData("user_ registered", "user_registered")]
    [InlineData(" orders (EU) ", "orders-EU")]
    public Task InvalidNameBecomesTheNearestValidOne(string name, string fixedName) => Verify.CodeFixAsync($$"""
        [Channel({|BRK0006:"{{name}}"|}, MaxAttempts = 3)]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, $$"""
        [Channel("{{fixedName}}", MaxAttempts = 3)]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("///")]
    [InlineData("orders/*")]
    [InlineData("orders.>")]
    [InlineData("commandes/créées")]
    [InlineData("日本")]
    public Task NameWithoutAValidFormOffersNoFix(string name) => Verify.CodeFixAsync($$"""
        [Channel({|BRK0006:"{{name}}"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, $$"""
        [Channel({|BRK0006:"{{name}}"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task TooLongNameOffersNoFix() => NameWithoutAValidFormOffersNoFix(new string('a', 129));

    [Fact]
    public Task NameFromAConstantIsNotRewritten() => Verify.CodeFixAsync("""
        public static class Names
        {
            public const string Registered = "user.registered";
        }

        [Channel({|BRK0006:Names.Registered|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """, """
        public static class Names
        {
            public const string Registered = "user.registered";
        }

        [Channel({|BRK0006:Names.Registered|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task FixAllRenamesEveryInvalidLiteral() => Verify.CodeFixAsync("""
        [Channel({|BRK0006:"user registered"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel({|BRK0006:"user.deleted"|})]
        public partial interface IDeletionChannel : IQueueChannel<User>;
        """, """
        [Channel("user-registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("user/deleted")]
        public partial interface IDeletionChannel : IQueueChannel<User>;
        """);
}
