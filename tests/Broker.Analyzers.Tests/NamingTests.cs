using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// [BrokerNaming]: the analyzers name elements as the generator does, so two members that meet under one element name
/// once camel-cased are a BRK0013 at the channel, and an undefined naming is refused rather than guessed.
/// </summary>
public sealed class NamingTests
{
    [Fact]
    public Task MembersThatMeetOnceCamelCasedAreReported() => Verify.AnalyzerAsync("""
        [BrokerNaming(BsonNaming.CamelCase)]
        public sealed class Account
        {
            public string Name { get; set; } = "";
            public string name { get; set; } = "";
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|#0:Account|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0)
            .WithArguments("IAccountChannel", "Account", "Account", "maps both Name and name to the element 'name'"));

    [Fact]
    public Task TheAssemblysNamingReachesEveryTypeItDeclares() => Verify.AnalyzerAsync(["""
        [assembly: BrokerNaming(BsonNaming.CamelCase)]
        """, """
        public sealed class Line
        {
            public int Id { get; set; }
            public int id { get; set; }
        }

        public sealed record Order(int Number, Line First);

        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<{|#0:Order|}>;
        """],
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0)
            .WithArguments("IOrderChannel", "Order.First", "Line", "maps both Id and id to the element 'id'"));

    [Fact]
    public Task UnderTheDefaultNamingTheSameMembersAreDistinct() => Verify.AnalyzerAsync("""
        public sealed class Account
        {
            public string Name { get; set; } = "";
            public string name { get; set; } = "";
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<Account>;
        """);

    [Fact]
    public Task AnExplicitElementNameResolvesTheClash() => Verify.AnalyzerAsync(MongoStandIns.Attributes + """
        [BrokerNaming(BsonNaming.CamelCase)]
        public sealed class Account
        {
            public string Name { get; set; } = "";
            [MongoDB.Bson.Serialization.Attributes.BsonElement("lowerName")]
            public string name { get; set; } = "";
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<Account>;
        """);

    [Fact]
    public Task AnUndefinedNamingIsReported() => Verify.AnalyzerAsync("""
        [BrokerNaming((BsonNaming)7)]
        public sealed record Note(string Text);

        [Channel("notes")]
        public partial interface INoteChannel : IQueueChannel<{|#0:Note|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0)
            .WithArguments("INoteChannel", "Note", "Note", "is named by a [BrokerNaming] (on Note or its assembly) whose value 7 is not a BsonNaming member"));
}
