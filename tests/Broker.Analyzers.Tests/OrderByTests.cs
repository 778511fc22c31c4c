using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0020 to BRK0022: OrderBy names a member of the message the generated channel can read and turn into a key.</summary>
public sealed class OrderByTests
{
    private const string Supported =
        "string, Guid, an integer type (sbyte, byte, short, ushort, int, uint, long, ulong) or an enum, nullable or not";

    // The codec reads every member it can, so the unreadable member it cannot (a private getter) is ignored by it.
    private const string Parcel = """
        namespace MongoDB.Bson.Serialization.Attributes
        {
            [System.AttributeUsage(System.AttributeTargets.Field | System.AttributeTargets.Property)]
            public sealed class BsonIgnoreAttribute : System.Attribute
            {
            }
        }

        public enum Region : byte { North, South }

        public class Entity
        {
            public System.Guid? TenantId { get; set; }
        }

        public sealed class Address
        {
            public string City { get; set; } = "";
        }

        public sealed class Parcel : Entity
        {
            public string CustomerId { get; set; } = "";
            public int Shard { get; set; }
            internal long Serial { get; set; }
            public Region? Region { get; set; }
            public ulong Sequence;
            public double Weight { get; set; }
            public System.DateTime SentAt { get; set; }
            public bool Urgent { get; set; }
            public Address? Origin { get; set; }
            public static int Count { get; set; }
            public const string Kind = "parcel";
            private string Secret { get; set; } = "";
            [MongoDB.Bson.Serialization.Attributes.BsonIgnore]
            public string Hidden { private get; set; } = "";
            public string Label { set { } }
            public string this[int index] => "";
            public string Describe() => "";
        }

        """;

    public static TheoryData<string> KeyMembers => ["CustomerId", "Shard", "Serial", "Region", "Sequence", "TenantId"];

    [Theory]
    [MemberData(nameof(KeyMembers))]
    public Task EveryKindOfKeyMemberIsValid(string member) => Verify.AnalyzerAsync(Parcel + $$"""
        [Channel("parcels/sent", OrderBy = nameof(Parcel.{{member}}))]
        public partial interface IParcelChannel : IQueueChannel<Parcel>;
        """);

    [Fact]
    public Task OrderedWithoutOrderByAndOrderByNullAreValid() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Ordered = true)]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("user/deleted", OrderBy = null)]
        public partial interface IDeletionChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task AMisspelledMemberIsReportedAtTheArgumentWithTheNearestName() => Verify.AnalyzerAsync("""
        [Channel("user/registered", OrderBy = {|#0:"Usrename"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithMessage(
            "OrderBy = \"Usrename\" does not name a property or field the generated channel can read: 'User' has no property or field named 'Usrename'. " +
            "Write 'Username' instead."));

    [Fact]
    public Task AMemberInTheWrongCaseIsReportedWithItsSpelling() => Verify.AnalyzerAsync("""
        [Channel("user/registered", OrderBy = {|#0:"ID"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithMessage(
            "OrderBy = \"ID\" does not name a property or field the generated channel can read: 'User' has no property or field named 'ID'. " +
            "Write 'Id' instead."));

    [Fact]
    public Task AMemberNothingIsCloseToGetsNoSuggestion() => Verify.AnalyzerAsync("""
        [Channel("user/registered", OrderBy = {|#0:"CustomerNumber"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithMessage(
            "OrderBy = \"CustomerNumber\" does not name a property or field the generated channel can read: 'User' has no property or field named 'CustomerNumber'. " +
            "Write the name of a public or internal instance property or field of the message, preferably with nameof."));

    [Theory]
    [InlineData("nameof(Parcel.Count)", "Count", "'Parcel.Count' is static")]
    [InlineData("nameof(Parcel.Kind)", "Kind", "'Parcel.Kind' is a constant")]
    [InlineData("\"Secret\"", "Secret", "'Parcel.Secret' is private")]
    [InlineData("nameof(Parcel.Hidden)", "Hidden", "'Parcel.Hidden' has a private getter")]
    [InlineData("nameof(Parcel.Label)", "Label", "'Parcel.Label' has no getter")]
    [InlineData("\"Item\"", "Item", "'Parcel.Item' is an indexer")]
    [InlineData("nameof(Parcel.Describe)", "Describe", "'Parcel.Describe' is a method, not a property or field")]
    public Task AMemberTheGeneratedChannelCannotReadIsReportedWithTheReason(string expression, string orderBy, string reason) => Verify.AnalyzerAsync(Parcel + $$"""
        [Channel("parcels/sent", OrderBy = {|#0:{{expression}}|})]
        public partial interface IParcelChannel : IQueueChannel<Parcel>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithArguments(
            orderBy, reason, "the name of a public or internal instance property or field of the message, preferably with nameof"));

    [Theory]
    [InlineData("Weight", "double")]
    [InlineData("SentAt", "System.DateTime")]
    [InlineData("Urgent", "bool")]
    [InlineData("Origin", "Address?")]
    public Task AMemberOfAnotherTypeIsReportedWithTheSupportedTypes(string member, string type) => Verify.AnalyzerAsync(Parcel + $$"""
        [Channel("parcels/sent", OrderBy = {|#0:nameof(Parcel.{{member}})|})]
        public partial interface IParcelChannel : IQueueChannel<Parcel>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedOrderByType).WithLocation(0).WithMessage(
            $"OrderBy = \"{member}\" cannot give an ordering key: 'Parcel.{member}' is of type '{type}'; an ordering key member is a {Supported}. " +
            "Order by another member, or set Ordered = true and give each produce its key in ProduceOptions.OrderingKey."));

    [Fact]
    public Task AnEmptyOrderByIsReportedAtTheArgument() => Verify.AnalyzerAsync("""
        [Channel("user/registered", OrderBy = {|#0:""|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.EmptyOrderBy).WithLocation(0).WithMessage(
            "OrderBy is empty, so it names no member of 'User'; write the member whose value is each message's ordering key, as " +
            "OrderBy = nameof(User.Member), or remove OrderBy and set Ordered = true to give each produce its key in ProduceOptions.OrderingKey"));

    [Fact]
    public Task TwoEquallyNearMembersGetNoSuggestion() => Verify.AnalyzerAsync("""
        public sealed record Pair(string Left1, string Left2);

        [Channel("pairs/made", OrderBy = {|#0:"Left"|})]
        public partial interface IPairChannel : IQueueChannel<Pair>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithArguments(
            "Left", "'Pair' has no property or field named 'Left'",
            "the name of a public or internal instance property or field of the message, preferably with nameof"));

    [Fact]
    public Task ANearMemberThatCannotBeAKeyIsNotSuggested() => Verify.AnalyzerAsync("""
        public sealed record Stamp(System.DateTime Created, string Author);

        [Channel("stamps/made", OrderBy = {|#0:"Create"|})]
        public partial interface IStampChannel : IQueueChannel<Stamp>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithArguments(
            "Create", "'Stamp' has no property or field named 'Create'",
            "the name of a public or internal instance property or field of the message, preferably with nameof"));

    [Fact]
    public Task AnInheritedMemberIsSuggested() => Verify.AnalyzerAsync(Parcel + """
        [Channel("parcels/sent", OrderBy = {|#0:"TenantID"|})]
        public partial interface IParcelChannel : IQueueChannel<Parcel>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.OrderByNotReadable).WithLocation(0).WithArguments(
            "TenantID", "'Parcel' has no property or field named 'TenantID'", "'TenantId' instead"));
}
