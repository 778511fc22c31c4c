using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0023: an [assembly: BsonKnownSubtype] the generator cannot honour, reported at the subtype's typeof.</summary>
public sealed class KnownSubtypeTests
{
    private const string Types = """
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Dog : Pet { public bool Barks { get; set; } }
        public sealed class Invoice { public int Number { get; set; } }
        public sealed class Litter<T> : Pet { public T? Runt { get; set; } }
        public abstract class Breed : Pet { public string Standard { get; set; } = ""; }
        """;

    [Fact]
    public Task ASubtypeThatDerivesFromTheBaseIsFine() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), typeof(Dog))]",
        Types,
    ]);

    [Fact]
    public Task AClassThatDoesNotDeriveFromTheBaseIsReportedAtItsTypeof() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), {|#0:typeof(Invoice)|})]",
        Types,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithMessage(
            "[assembly: BsonKnownSubtype] cannot register 'Invoice' as a subtype of 'Pet': 'Invoice' does not derive from 'Pet'"));

    [Fact]
    public Task AGenericSubtypeIsReported() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), {|#0:typeof(Litter<int>)|})]",
        Types,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments("Litter", "Pet", "'Litter' is generic, and a discriminator names one class"));

    [Fact]
    public Task ASubtypeWhoseCodecCannotBeGeneratedSaysWhyAsBrk0013Does() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), {|#0:typeof(Breed)|})]",
        Types,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments(
            "Breed", "Pet", "its codec cannot be generated. Breed: 'Breed' is abstract and has no [BsonKnownTypes] naming a concrete class below it, so nothing says which class to create when reading"));

    // The generator refuses the subtype's codec for a phantom dynamic, as it does a message's: so must BRK0023.
    [Fact]
    public Task ASubtypeWithAMemberClosedOverDynamicIsReported() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), {|#0:typeof(Puppy)|})]",
        Types + """
            public class Page<T> { public int Number { get; set; } }
            public sealed class Puppy : Pet { public Page<dynamic>? Page { get; set; } }
            """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments(
            "Puppy", "Pet", "its codec cannot be generated. Puppy.Page: 'Page<dynamic>' is closed over dynamic, which generated code cannot use as a type argument (C# forbids implementing an interface of it); use object, the same type at run time"));

    [Fact]
    public Task ADiscriminatorTheBasesKnownTypesAlreadyUseIsReported() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Animal), {|#0:typeof(Other.Cat)|})]\n" + MongoStandIns.Attributes,
        """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Cat))]
        public class Animal { public string Name { get; set; } = ""; }
        public sealed class Cat : Animal { public bool Purrs { get; set; } }

        namespace Other
        {
            public sealed class Cat : Animal { public int Lives { get; set; } }
        }
        """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments(
            "Cat", "Animal", "its discriminator 'Cat' is already that of Cat, which the codec of Animal knows, so a reader would create that " +
            "instead; give it another with [BsonDiscriminator(\"...\")]"));

    // The subtype is registered with the codec of every class it derives from, and each of them reads a _t it knows
    // itself before asking the registry: a name the base's base knows would be read back as that class, silently.
    [Fact]
    public Task ADiscriminatorTheCodecOfTheBasesBaseKnowsIsReported() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), {|#0:typeof(Other.Cat)|})]\n" + MongoStandIns.Attributes,
        """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Pet), typeof(Cat))]
        public class Animal { public string Name { get; set; } = ""; }
        public class Pet : Animal { public bool Tame { get; set; } }
        public sealed class Cat : Animal { public bool Purrs { get; set; } }

        namespace Other
        {
            public sealed class Cat : Pet { public int Lives { get; set; } }
        }
        """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments(
            "Cat", "Pet", "its discriminator 'Cat' is already that of Cat, which the codec of Animal knows, so a reader would create that " +
            "instead; give it another with [BsonDiscriminator(\"...\")]"));

    // The classes the subtype's own [BsonKnownTypes] lists are registered with it, under the same names.
    [Fact]
    public Task ADiscriminatorOfATypeTheSubtypeListsThatTheBaseAlreadyKnowsIsReported() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Animal), {|#0:typeof(Other.Pet)|})]\n" + MongoStandIns.Attributes,
        """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Cat))]
        public class Animal { public string Name { get; set; } = ""; }
        public sealed class Cat : Animal { public bool Purrs { get; set; } }

        namespace Other
        {
            [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Cat))]
            public class Pet : Animal { public bool Tame { get; set; } }
            public sealed class Cat : Pet { public int Lives { get; set; } }
        }
        """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments(
            "Pet", "Animal", "the discriminator 'Cat' of Other.Cat, which it lists in [BsonKnownTypes], is already that of Cat, which the codec " +
            "of Animal knows, so a reader would create that instead; give it another with [BsonDiscriminator(\"...\")]"));

    // Both would be registered under Pet with the name Gold: the registry refuses the second when the module initializer
    // runs, which makes the whole assembly fail to load at its first use.
    [Fact]
    public Task TwoDeclarationsWithOneDiscriminatorUnderOneBaseAreReportedAtTheSecond() => Verify.AnalyzerAsync(
    [
        "[assembly: BsonKnownSubtype(typeof(Pet), typeof(Billing.Gold))]\n[assembly: BsonKnownSubtype(typeof(Breed), {|#0:typeof(Loyalty.Gold)|})]",
        Types,
        """
        namespace Billing { public sealed class Gold : Pet { public int Level { get; set; } } }
        namespace Loyalty { public sealed class Gold : Breed { public int Points { get; set; } } }
        """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.InvalidKnownSubtype).WithLocation(0).WithArguments(
            "Gold", "Breed", "its discriminator 'Gold' is already that of Billing.Gold, which another [assembly: BsonKnownSubtype] of this assembly " +
            "registers under Pet too, so a reader could not tell them apart (and the registration would fail when the assembly loads); give " +
            "one of them another with [BsonDiscriminator(\"...\")]"));
}
