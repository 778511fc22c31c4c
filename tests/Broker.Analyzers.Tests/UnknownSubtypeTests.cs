using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0018: a class of the compilation that derives from a class a channel's message can hold, but that the codec does
/// not know through <c>[BsonKnownTypes]</c>, is reported at its name, since writing it would fail at run time; the
/// additional location is the name of the base whose <c>[BsonKnownTypes]</c> should list it (for the code fix).
/// </summary>
public sealed class UnknownSubtypeTests
{
    [Fact]
    public Task DerivedClassMissingFromKnownTypesIsReportedAtItsName() => Verify.AnalyzerAsync(MongoStandIns.Attributes + """
        public class {|#1:Pet|} { public string Name { get; set; } = ""; }
        public sealed class {|#0:Dog|} : Pet { public bool Barks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnknownSubtype).WithLocation(0).WithLocation(1).WithMessage(
            "'Dog' derives from 'Pet', which channel 'IAdoptionChannel' carries, but is not among the known types of 'Pet': writing a 'Dog' there fails at run time, and a reader could not create it; add [BsonKnownTypes(typeof(Dog))] to 'Pet'"));

    [Fact]
    public Task DerivedClassDeclaredWithAssemblyBsonKnownSubtypeIsFine() => Verify.AnalyzerAsync(
    [
        """
        [assembly: BsonKnownSubtype(typeof(Pet), typeof(Dog))]
        """,
        """
        public class {|#1:Pet|} { public string Name { get; set; } = ""; }
        public sealed class Dog : Pet { public bool Barks { get; set; } }
        public sealed class {|#0:Cat|} : Pet { public bool Purrs { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """,
    ],
        Verify.Diagnostic(BrokerDiagnostics.UnknownSubtype).WithLocation(0).WithLocation(1).WithArguments("Cat", "Pet", "IAdoptionChannel"));

    [Fact]
    public Task DerivedClassesKnownDirectlyOrThroughAnotherKnownTypeAreFine() => Verify.AnalyzerAsync(MongoStandIns.Attributes + """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Dog))]
        public class Pet { public string Name { get; set; } = ""; }
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Puppy))]
        public class Dog : Pet { public bool Barks { get; set; } }
        public sealed class Puppy : Dog { public int Weeks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """);

    [Fact]
    public Task OnlyTheNearestCarriedClassCountsAndDeeperUnknownClassesAreReported() => Verify.AnalyzerAsync(MongoStandIns.Attributes + """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Dog))]
        public class Pet { public string Name { get; set; } = ""; }
        public class {|#1:Dog|} : Pet { public bool Barks { get; set; } }
        public sealed class {|#0:Puppy|} : Dog { public int Weeks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnknownSubtype).WithLocation(0).WithLocation(1).WithArguments("Puppy", "Dog", "IAdoptionChannel"));

    [Fact]
    public Task ADeeperClassListedByAFartherCarriedAncestorIsFine() => Verify.AnalyzerAsync(MongoStandIns.Attributes + """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Dog), typeof(Puppy))]
        public class Pet { public string Name { get; set; } = ""; }
        public class Dog : Pet { public bool Barks { get; set; } }
        public sealed class Puppy : Dog { public int Weeks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """);

    [Fact]
    public Task DerivedClassOfATypeNoMessageCarriesIsFine() => Verify.AnalyzerAsync("""
        public class Shape { public int Sides { get; set; } }
        public sealed class Square : Shape { }

        [Channel("users")]
        public partial interface IUserChannel : IQueueChannel<User>;
        """);
}
