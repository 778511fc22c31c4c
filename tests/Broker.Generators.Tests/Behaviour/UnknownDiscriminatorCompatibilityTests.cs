using System.Reflection;
using Broker.Bson;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// What a class with no <c>[BsonKnownTypes]</c> makes of a document's <c>_t</c>, next to MongoDB.Bson 3.14. MongoDB.Bson
/// looks for <c>_t</c> only once the class is "discriminated", which a class map of some class derived from it makes it
/// (<c>BsonClassMap.LookupClassMap(typeof(PremiumUser))</c>); until then every document, whatever its <c>_t</c>, is
/// read as the class itself. The generated codec does the same with <c>BsonSubtypes</c>, its counterpart of those class
/// maps: it reads <c>_t</c> only once some subtype is registered, and then accepts and refuses what MongoDB.Bson does.
/// </summary>
public sealed class UnknownDiscriminatorCompatibilityTests
{
    private const string Shared = """
        using Broker;

        namespace Shared;

        public class User
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        [Channel("user/registered")]
        public partial interface IUserChannel : IQueueChannel<User>;
        """;

    private const string Billing = """
        [assembly: Broker.BsonKnownSubtype(typeof(Shared.User), typeof(Billing.PremiumUser))]

        namespace Billing;

        public sealed class PremiumUser : Shared.User
        {
            public string Plan { get; set; } = "";
        }
        """;

    // Each state gets assemblies of its own: MongoDB.Bson's class maps and Broker's registry are per type and per process.
    private static readonly Lazy<TwoAssemblies> s_unregistered = new(() => new TwoAssemblies("Shared.Unregistered", Shared, "Billing.Unregistered", Billing));

    private static readonly Lazy<TwoAssemblies> s_registered = new(() =>
    {
        var assemblies = new TwoAssemblies("Shared.Registered", Shared, "Billing.Registered", Billing);
        MongoBson.Configure();
        BsonClassMap.LookupClassMap(assemblies.TypeA("Shared.User"));
        BsonClassMap.LookupClassMap(assemblies.TypeB("Billing.PremiumUser"));
        assemblies.InitializeB();
        return assemblies;
    });

    public static TheoryData<string> Discriminators => new()
    {
        "absent", "User", "PremiumUser", "GoldUser", "Shared.User", "[User, PremiumUser]", "[User, GoldUser]", "[5, PremiumUser]",
        "[]", "empty string", "5", "null", "GoldUser after the members",
    };

    [Theory]
    [MemberData(nameof(Discriminators))]
    public void WithNoSubtypeKnownAnyDiscriminatorIsReadAsTheClassItselfAsMongoDbDoes(string discriminator)
    {
        var userType = s_unregistered.Value.TypeA("Shared.User");
        var bson = Document(discriminator).ToBson();
        MongoBson.Configure();

        Assert.Equal("Shared.User", Outcome(() => BsonSerializer.Deserialize(bson, userType)));
        Assert.Equal("Shared.User", Outcome(() => Ours(userType, bson)));
    }

    [Theory]
    [MemberData(nameof(Discriminators))]
    public void WithASubtypeKnownTheSameDiscriminatorsAreAcceptedAndRefusedAsByMongoDb(string discriminator)
    {
        var userType = s_registered.Value.TypeA("Shared.User");
        var bson = Document(discriminator).ToBson();

        Assert.Equal(Outcome(() => BsonSerializer.Deserialize(bson, userType)), Outcome(() => Ours(userType, bson)));
    }

    [Theory]
    [InlineData("GoldUser", "GoldUser")]
    [InlineData("[User, GoldUser]", "GoldUser")]
    [InlineData("Shared.User", "Shared.User")]
    [InlineData("GoldUser after the members", "GoldUser")]
    public void AnUnknownDiscriminatorIsAnErrorNamingTheTypeAndTheDiscriminator(string discriminator, string named)
    {
        var userType = s_registered.Value.TypeA("Shared.User");

        var error = Assert.Throws<BsonFormatException>(() => Ours(userType, Document(discriminator).ToBson()));

        Assert.Contains($"the discriminator '{named}' names no known type of Shared.User;", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "an empty array")]
    [InlineData("empty string", "an empty string")]
    public void AnEmptyDiscriminatorIsAnErrorOnceSubtypesAreKnown(string discriminator, string what)
    {
        var userType = s_registered.Value.TypeA("Shared.User");

        var error = Assert.Throws<BsonFormatException>(() => Ours(userType, Document(discriminator).ToBson()));

        Assert.Contains($"'_t' is {what}, which names no class", error.Message, StringComparison.Ordinal);
    }

    private static BsonDocument Document(string discriminator)
    {
        BsonValue? value = discriminator switch
        {
            "absent" or "GoldUser after the members" => null,
            "[User, PremiumUser]" => new BsonArray { "User", "PremiumUser" },
            "[User, GoldUser]" => new BsonArray { "User", "GoldUser" },
            "[5, PremiumUser]" => new BsonArray { 5, "PremiumUser" },
            "[]" => new BsonArray(),
            "empty string" => "",
            "5" => 5,
            "null" => BsonNull.Value,
            _ => discriminator,
        };
        var document = value is null ? new BsonDocument() : new BsonDocument("_t", value);
        document.Add("_id", 1).Add("Name", "ada");
        if (discriminator == "GoldUser after the members")
            document.Add("_t", "GoldUser");
        return document;
    }

    // The class read, or "refused" for any exception: MongoDB.Bson's exception types are its own.
    private static string Outcome(Func<object> read)
    {
        try
        {
            return read().GetType().FullName!;
        }
        catch (Exception error) when (error is not Xunit.Sdk.XunitException)
        {
            return "refused";
        }
    }

    private static object Ours(Type type, byte[] bson)
    {
        try
        {
            return typeof(UnknownDiscriminatorCompatibilityTests).GetMethod(nameof(Deserialize), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type).Invoke(null, [bson])!;
        }
        catch (TargetInvocationException invocation) when (invocation.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    private static object Deserialize<T>(byte[] bson) => BsonCodec.Deserialize<T>(bson)!;
}
