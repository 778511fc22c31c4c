using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0018's fix adds the derived class to the <c>[BsonKnownTypes]</c> of the base the diagnostic names, wherever that
/// base is declared, and Fix All gathers every derived class of a base into one attribute.
/// </summary>
public sealed class KnownTypeCodeFixTests
{
    [Fact]
    public Task DerivedClassIsAppendedToTheExistingAttribute() => Verify.CodeFixAsync([MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        [BsonKnownTypes(typeof(Cat))]
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Cat : Pet { }
        public sealed class {|BRK0018:Dog|} : Pet { public bool Barks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """], [MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        [BsonKnownTypes(typeof(Cat), typeof(Dog))]
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Cat : Pet { }
        public sealed class Dog : Pet { public bool Barks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """]);

    [Fact]
    public Task BaseWithoutTheAttributeGetsOneWithItsUsingAndFixAllAddsEveryDerivedClass() => Verify.CodeFixAsync([MongoStandIns.Attributes, """
        namespace Pets
        {
            /// <summary>Any pet.</summary>
            public class Pet { public string Name { get; set; } = ""; }
        }
        """, """
        namespace Pets.Kinds
        {
            public sealed class {|BRK0018:Cat|} : Pets.Pet { }
            public sealed class {|BRK0018:Dog|} : Pets.Pet { public bool Barks { get; set; } }
        }
        """, """
        public sealed class Adoption { public Pets.Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """], [MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        namespace Pets
        {
            /// <summary>Any pet.</summary>
            [BsonKnownTypes(typeof(Kinds.Cat), typeof(Kinds.Dog))]
            public class Pet { public string Name { get; set; } = ""; }
        }
        """, """
        namespace Pets.Kinds
        {
            public sealed class Cat : Pets.Pet { }
            public sealed class Dog : Pets.Pet { public bool Barks { get; set; } }
        }
        """, """
        public sealed class Adoption { public Pets.Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """]);

    // The formatter sets an attributed class apart from the one before it with a blank line.
    [Fact]
    public Task DeeperClassGoesToItsNearestCarriedBase() => Verify.CodeFixAsync([MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        [BsonKnownTypes(typeof(Dog))]
        public class Pet { public string Name { get; set; } = ""; }
        public class Dog : Pet { public bool Barks { get; set; } }
        public sealed class {|BRK0018:Puppy|} : Dog { public int Weeks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """], [MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        [BsonKnownTypes(typeof(Dog))]
        public class Pet { public string Name { get; set; } = ""; }

        [BsonKnownTypes(typeof(Puppy))]
        public class Dog : Pet { public bool Barks { get; set; } }
        public sealed class Puppy : Dog { public int Weeks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """]);

    // typeof(Litter<T>) in the base's attribute does not compile, typeof(Litter<>) is refused by the generator, and
    // typeof(Shelter.Stray) in Pet's file cannot reach a private class: no [BsonKnownTypes] entry can name either.
    [Fact]
    public Task AGenericOrUnreachableDerivedClassIsOfferedNoFix() => Verify.CodeFixAsync([MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        [BsonKnownTypes(typeof(Cat))]
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Cat : Pet { }
        public sealed class {|BRK0018:Litter|}<T> : Pet { public int Size { get; set; } }
        public static class Shelter
        {
            private sealed class {|BRK0018:Stray|} : Pet { }
        }

        [Channel("pets")]
        public partial interface IPetChannel : IQueueChannel<Pet>;
        """], [MongoStandIns.Attributes, """
        using MongoDB.Bson.Serialization.Attributes;

        [BsonKnownTypes(typeof(Cat))]
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Cat : Pet { }
        public sealed class {|BRK0018:Litter|}<T> : Pet { public int Size { get; set; } }
        public static class Shelter
        {
            private sealed class {|BRK0018:Stray|} : Pet { }
        }

        [Channel("pets")]
        public partial interface IPetChannel : IQueueChannel<Pet>;
        """]);

    // typeof(Dog) in Pet's file cannot name a file-local class of another file, and the generated codec of Pet, in a file
    // of its own, cannot name it even beside Pet (BRK0013 refuses such a known type): either fix would break the build.
    [Fact]
    public Task AFileLocalDerivedClassIsOfferedNoFix() => Verify.CodeFixAsync([MongoStandIns.Attributes, """
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """, """
        file sealed class {|BRK0018:Dog|} : Pet { public bool Barks { get; set; } }
        file static class Shelter
        {
            public sealed class {|BRK0018:Stray|} : Pet { }
        }
        """], [MongoStandIns.Attributes, """
        public class Pet { public string Name { get; set; } = ""; }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """, """
        file sealed class {|BRK0018:Dog|} : Pet { public bool Barks { get; set; } }
        file static class Shelter
        {
            public sealed class {|BRK0018:Stray|} : Pet { }
        }
        """]);
}
