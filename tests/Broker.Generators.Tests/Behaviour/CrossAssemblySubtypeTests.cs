using System.Reflection;
using Broker.Bson;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// A message type of one assembly and a subclass of it declared in another with
/// <c>[assembly: BsonKnownSubtype]</c>: the base's codec, generated in the first, writes and reads the subclass with the
/// bytes MongoDB.Bson writes when its class maps know both classes.
/// </summary>
public sealed class CrossAssemblySubtypeTests
{
    private const string Shared = """
        using Broker;

        namespace Shared;

        public class User
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public sealed class Envelope
        {
            public string Topic { get; set; } = "";
            public User Sender { get; set; } = new();
        }

        [Channel("user/registered")]
        public partial interface IUserChannel : IQueueChannel<User>;

        [Channel("mail/envelopes")]
        public partial interface IEnvelopeChannel : IQueueChannel<Envelope>;
        """;

    private const string Billing = """
        using System.Collections.Generic;

        [assembly: Broker.BsonKnownSubtype(typeof(Shared.User), typeof(Billing.PremiumUser))]

        namespace Billing;

        public sealed class PremiumUser : Shared.User
        {
            public string Plan { get; set; } = "";
            public List<Perk> Perks { get; set; } = new();
        }

        public sealed class Perk
        {
            public string Code { get; set; } = "";
            public long Until { get; set; }
        }

        // Derives from User but is declared nowhere: writing it must say what to declare.
        public sealed class TrialUser : Shared.User
        {
            public int Days { get; set; }
        }
        """;

    // One load of both assemblies for the class: module initializers run once per process, as in an application.
    private static readonly Lazy<TwoAssemblies> s_assemblies = new(() => new TwoAssemblies("Shared.Messages", Shared, "Billing", Billing));

    private static TwoAssemblies Assemblies => s_assemblies.Value;

    [Fact]
    public void ASubtypeFromAnotherAssemblyRoundTripsThroughTheBaseCodecWithMongoDbsBytes()
    {
        var premium = Premium(7, "ada", "gold");

        var ours = ToBson(Assemblies.TypeA("Shared.User"), premium);

        Assert.Equal(MongoBytes(Assemblies.TypeA("Shared.User"), premium), ours);
        Assert.Equal("PremiumUser", MongoBson.Deserialize<BsonDocument>(ours)["_t"].AsString);
        var read = FromBson(Assemblies.TypeA("Shared.User"), ours);
        Assert.Same(Assemblies.TypeB("Billing.PremiumUser"), read.GetType());
        Assert.Equal(ours, ToBson(Assemblies.TypeA("Shared.User"), read));
    }

    [Fact]
    public void AnEmbeddedSubtypeFromAnotherAssemblyRoundTripsWithMongoDbsBytes()
    {
        var envelopeType = Assemblies.TypeA("Shared.Envelope");
        var envelope = Activator.CreateInstance(envelopeType)!;
        envelopeType.GetProperty("Topic")!.SetValue(envelope, "welcome");
        envelopeType.GetProperty("Sender")!.SetValue(envelope, Premium(3, "grace", "silver"));

        var ours = ToBson(envelopeType, envelope);

        Assert.Equal(MongoBytes(envelopeType, envelope), ours);
        var read = FromBson(envelopeType, ours);
        Assert.Same(Assemblies.TypeB("Billing.PremiumUser"), envelopeType.GetProperty("Sender")!.GetValue(read)!.GetType());
        Assert.Equal(ours, ToBson(envelopeType, read));
    }

    [Fact]
    public void MongoDbsBytesOfTheSubtypeAreReadByTheBaseCodec()
    {
        var userType = Assemblies.TypeA("Shared.User");
        var bson = MongoBytes(userType, Premium(11, "linus", "platinum"));

        var read = FromBson(userType, bson);

        Assert.Equal("platinum", read.GetType().GetProperty("Plan")!.GetValue(read));
        Assert.Equal(11, userType.GetProperty("Id")!.GetValue(read));
    }

    [Fact]
    public void TheBaseItselfStillRoundTripsWithoutADiscriminator()
    {
        var userType = Assemblies.TypeA("Shared.User");
        var user = Activator.CreateInstance(userType)!;
        userType.GetProperty("Name")!.SetValue(user, "plain");
        Assemblies.InitializeB();

        var ours = ToBson(userType, user);

        Assert.Equal(MongoBytes(userType, user), ours);
        Assert.False(MongoBson.Deserialize<BsonDocument>(ours).Contains("_t"));
        Assert.Same(userType, FromBson(userType, ours).GetType());
    }

    [Fact]
    public void AnUnknownDiscriminatorNamesTheTypeTheDiscriminatorAndTheFix()
    {
        var userType = Assemblies.TypeA("Shared.User");
        Assemblies.InitializeB();
        var document = new BsonDocument { { "_t", "GoldUser" }, { "Id", 1 }, { "Name", "x" } };

        var error = Assert.Throws<BsonFormatException>(() => FromBson(userType, document.ToBson()));

        Assert.Equal(
            "the discriminator 'GoldUser' names no known type of Shared.User; list it in [BsonKnownTypes] on Shared.User (assembly Shared.Messages) " +
            "when the class GoldUser is declared there, or, when it is declared in another assembly, add " +
            "[assembly: Broker.BsonKnownSubtype(typeof(Shared.User), typeof(GoldUser))] to that assembly and make sure the assembly is loaded " +
            "before the document is read.",
            error.Reason);
    }

    [Fact]
    public void WritingAnUndeclaredSubtypeFromAnotherAssemblyNamesTheAttributeAndTheAssembly()
    {
        var userType = Assemblies.TypeA("Shared.User");
        var trial = Activator.CreateInstance(Assemblies.TypeB("Billing.TrialUser"))!;

        var error = Assert.Throws<InvalidOperationException>(() => ToBson(userType, trial));

        Assert.Equal(
            "A Billing.TrialUser cannot be written as Shared.User: it is not listed in [BsonKnownTypes] on Shared.User (or on a type listed there), " +
            "so a reader could not create it. Billing.TrialUser is declared in assembly Billing, not in Shared.Messages with Shared.User: add " +
            "[assembly: Broker.BsonKnownSubtype(typeof(Shared.User), typeof(Billing.TrialUser))] to Billing.",
            error.Message);
    }

    [Fact]
    public void TheSubtypesCodecIsRegisteredForItself()
    {
        var premium = Premium(5, "edsger", "bronze");
        var premiumType = premium.GetType();

        Assert.Equal(MongoBytes(premiumType, premium), ToBson(premiumType, premium));
    }

    [Fact]
    public void BelowARootClassTheWholeChainIsWrittenAsMongoDbDoes()
    {
        var rooted = s_rooted.Value;
        var vehicleType = rooted.TypeA("Fleet.Vehicle");
        var truck = Activator.CreateInstance(rooted.TypeB("Haulage.Truck"))!;
        vehicleType.GetProperty("Plate")!.SetValue(truck, "HX-1");
        truck.GetType().GetProperty("Axles")!.SetValue(truck, 3);
        BsonClassMap.LookupClassMap(vehicleType);
        BsonClassMap.LookupClassMap(truck.GetType());

        var ours = ToBson(vehicleType, truck);

        Assert.Equal(truck.ToBson(vehicleType), ours);
        Assert.Equal(new BsonArray { "vehicle", "Truck" }, MongoBson.Deserialize<BsonDocument>(ours)["_t"]);
        Assert.Same(truck.GetType(), FromBson(vehicleType, ours).GetType());
    }

    private static readonly Lazy<TwoAssemblies> s_rooted = new(() => new TwoAssemblies(
        "Fleet",
        """
        using Broker;
        using MongoDB.Bson.Serialization.Attributes;

        namespace Fleet;

        [BsonDiscriminator("vehicle", RootClass = true)]
        public class Vehicle
        {
            public string Plate { get; set; } = "";
        }

        [Channel("fleet/vehicles")]
        public partial interface IVehicleChannel : IQueueChannel<Vehicle>;
        """,
        "Haulage",
        """
        [assembly: Broker.BsonKnownSubtype(typeof(Fleet.Vehicle), typeof(Haulage.Truck))]

        namespace Haulage;

        public sealed class Truck : Fleet.Vehicle
        {
            public int Axles { get; set; }
        }
        """,
        [MetadataReference.CreateFromFile(typeof(ObjectId).Assembly.Location)]));

    // Shared.Messages, Billing (built from billingSource) and an application "Reader" whose Startup calls AddChannels().
    private static TwoAssemblies WithReader(string billingSource) => new("Shared.Messages", Shared, "Billing", billingSource, application: ("Reader", """
        using Broker;
        using Microsoft.Extensions.DependencyInjection;

        namespace Reader;

        public static class Startup
        {
            public static void Configure(BrokerBuilder builder) => builder.AddChannels();
        }
        """));

    private static void RunAddChannels(TwoAssemblies process) =>
        process.Application!.GetType("Reader.Startup", throwOnError: true)!.GetMethod("Configure")!
            .Invoke(null, [new BrokerBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection())]);

    private static byte[] PremiumUserBson() =>
        new BsonDocument { { "_t", "PremiumUser" }, { "Id", 2 }, { "Name", "n" }, { "Plan", "p" }, { "Perks", new BsonArray() } }.ToBson();

    [Fact]
    public void AddChannelsRegistersTheSubtypesOfReferencedAssembliesBeforeAnyIsRead()
    {
        // A fresh load, in which nothing touched Billing: only the application's AddChannels() can have registered it.
        var process = WithReader(Billing);
        var userType = process.TypeA("Shared.User");
        var bson = PremiumUserBson();
        // With nothing registered, the codec of a class without [BsonKnownTypes] does not look at _t: a plain User.
        Assert.Same(userType, FromBson(userType, bson).GetType());

        RunAddChannels(process);

        Assert.Equal("Billing.PremiumUser", FromBson(userType, bson).GetType().FullName);
    }

    [Fact]
    public void AddChannelsRegistersTheSubtypesOfAnAssemblyThatDeclaresThemInternal()
    {
        // The base's codec creates the subtype through the registry, so the subtype need not be public; the application
        // cannot name it, and must still run its assembly's module initializer, or it reads every PremiumUser as a User.
        // Of its public types, the first is obsolete with an error: naming it in typeof would not compile.
        var billing = Billing
            .Replace("public sealed class", "internal sealed class", StringComparison.Ordinal)
            .Replace("namespace Billing;", "namespace Billing;\n\n[System.Obsolete(\"gone\", error: true)]\npublic static class Retired { }", StringComparison.Ordinal) +
            "\npublic static class Invoices { }\n";
        var process = WithReader(billing);
        var userType = process.TypeA("Shared.User");
        var bson = PremiumUserBson();

        RunAddChannels(process);

        Assert.Equal("Billing.PremiumUser", FromBson(userType, bson).GetType().FullName);
    }

    [Fact]
    public void AddChannelsRegistersTheSubtypesOfAnAssemblyWithNoPublicTypeAtAll()
    {
        // Nothing of Billing is public, so the application has no type of it to name; Billing's generator gives it one
        // (a public class with nothing in it), or a consume-only process would read every PremiumUser as a User.
        var billing = Billing
            .Replace("public sealed class", "internal sealed class", StringComparison.Ordinal)
            .Replace("namespace Billing;", "namespace Billing;\n\n[System.Obsolete(\"gone\")]\npublic static class Retired { }", StringComparison.Ordinal);
        var process = WithReader(billing);
        var userType = process.TypeA("Shared.User");
        var bson = PremiumUserBson();

        RunAddChannels(process);

        Assert.Equal("Billing.PremiumUser", FromBson(userType, bson).GetType().FullName);
        Assert.Contains("public static class Billing_BsonSubtypes", process.RunB.Source("BrokerBsonSubtypes.g.cs"), StringComparison.Ordinal);
        Assert.Contains("typeof(global::Broker.Generated.Billing_BsonSubtypes).Module", process.RunApplication!.Source("BrokerAddChannels.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void ASubtypeDeclaredUnderTheBasesBaseIsWrittenAndReadAsTheBaseToo()
    {
        // Parrot : Bird : Animal, declared under Animal: MongoDB.Bson, which knows its class map, writes and reads it as
        // a Bird as well, so the codec of Bird must know it too.
        var zoo = new TwoAssemblies(
            "Zoo",
            """
            using Broker;

            namespace Zoo;

            public class Animal
            {
                public string Name { get; set; } = "";
            }

            public class Bird : Animal
            {
                public bool Flies { get; set; }
            }

            [Channel("zoo/animals")]
            public partial interface IAnimalChannel : IQueueChannel<Animal>;

            [Channel("zoo/birds")]
            public partial interface IBirdChannel : IQueueChannel<Bird>;
            """,
            "Aviary",
            """
            [assembly: Broker.BsonKnownSubtype(typeof(Zoo.Animal), typeof(Aviary.Parrot))]

            namespace Aviary;

            public sealed class Parrot : Zoo.Bird
            {
                public string Word { get; set; } = "";
            }
            """);
        var birdType = zoo.TypeA("Zoo.Bird");
        var parrot = Activator.CreateInstance(zoo.TypeB("Aviary.Parrot"))!;
        parrot.GetType().GetProperty("Word")!.SetValue(parrot, "hello");
        zoo.TypeA("Zoo.Animal").GetProperty("Name")!.SetValue(parrot, "polly");
        MongoBson.Configure();
        BsonClassMap.LookupClassMap(zoo.TypeA("Zoo.Animal"));
        BsonClassMap.LookupClassMap(birdType);
        BsonClassMap.LookupClassMap(parrot.GetType());

        var ours = ToBson(birdType, parrot);

        Assert.Equal(parrot.ToBson(birdType), ours);
        Assert.Same(parrot.GetType(), FromBson(birdType, ours).GetType());
    }

    private static object Premium(int id, string name, string plan)
    {
        var type = Assemblies.TypeB("Billing.PremiumUser");
        var premium = Activator.CreateInstance(type)!;
        type.GetProperty("Id")!.SetValue(premium, id);
        type.GetProperty("Name")!.SetValue(premium, name);
        type.GetProperty("Plan")!.SetValue(premium, plan);
        var perkType = Assemblies.TypeB("Billing.Perk");
        var perk = Activator.CreateInstance(perkType)!;
        perkType.GetProperty("Code")!.SetValue(perk, "lounge");
        perkType.GetProperty("Until")!.SetValue(perk, 1_700_000_000_000L);
        var perks = type.GetProperty("Perks")!.GetValue(premium)!;
        perks.GetType().GetMethod("Add")!.Invoke(perks, [perk]);
        return premium;
    }

    // The types exist only at run time, so BsonCodec's generic methods are called through reflection, unwrapped so
    // that the tests see the codec's own exceptions.
    private static byte[] ToBson(Type nominalType, object value) => (byte[])Call(nameof(Serialize), nominalType, value);

    private static object FromBson(Type nominalType, byte[] bson) => Call(nameof(Deserialize), nominalType, bson);

    private static byte[] Serialize<T>(object value) => BsonCodec.ToBson((T)value);

    private static object Deserialize<T>(byte[] bson) => BsonCodec.Deserialize<T>(bson)!;

    private static object Call(string name, Type type, object argument)
    {
        try
        {
            return typeof(CrossAssemblySubtypeTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type).Invoke(null, [argument])!;
        }
        catch (TargetInvocationException invocation) when (invocation.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    // MongoDB.Bson with class maps for both classes, as an application registers them (BsonClassMap.LookupClassMap
    // registers the subclass's discriminator under its base).
    private static byte[] MongoBytes(Type nominalType, object value)
    {
        MongoBson.Configure();
        BsonClassMap.LookupClassMap(Assemblies.TypeA("Shared.User"));
        BsonClassMap.LookupClassMap(Assemblies.TypeB("Billing.PremiumUser"));
        return value.ToBson(nominalType);
    }
}
