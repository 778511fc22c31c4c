using System.Buffers;
using Broker.Bson;
using Broker.Generators.Tests.Behaviour.Zoo;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Encoding into an <see cref="IBufferWriter{T}"/> allocates nothing; decoding allocates exactly the object graph it
/// returns, measured against building the same graph by hand.
/// </summary>
public sealed class AllocationTests
{
    [Fact]
    public void SerializingEveryZooShapeIntoABufferWriterAllocatesNothing()
    {
        var values = new ZooValues(9);
        var animals = Enumerable.Range(0, 50).Select(_ => WithNamedEnums(values.Animal())).ToList();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        foreach (var animal in animals)
            Serialize(animal, output);

        for (var i = 0; i < animals.Count; i++)
        {
            // The runtime may allocate a little on the calling thread when a method is promoted to its optimized tier;
            // that is start-up, not the codec, so each value gets three tries to show a steady state of zero.
            var attempts = new long[3];
            for (var attempt = 0; attempt < attempts.Length; attempt++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                Serialize(animals[i], output);
                attempts[attempt] = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            Assert.True(attempts.Contains(0), $"value #{i} allocated {string.Join(", ", attempts)} bytes in three runs.");
        }
    }

    [Fact]
    public void SerializingTheBenchmarkMessagesAllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(1024);
        var user = Samples.User();
        var order = Samples.Order();
        Serialize(user, output);
        Serialize(order, output);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Serialize(user, output);
            Serialize(order, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DeserializingAUserAllocatesOnlyTheUser()
    {
        var bson = BsonCodec.ToBson(Samples.User());

        var read = Measure(() => BsonCodec.Deserialize<User>(bson));
        var graph = Measure(() => new User(42, new string('x', "alice_smith".Length)));

        Assert.Equal(graph, read);
    }

    [Fact]
    public void DeserializingTheRichEventAllocatesOnlyItsObjectGraph()
    {
        var bson = BsonCodec.ToBson(Samples.Order());

        var read = Measure(() => BsonCodec.Deserialize<OrderEvent>(bson));
        // The same graph built by hand: the event (whose initializer makes an empty Tags list, replaced when read), its
        // strings, a list of exactly three tags, and the address with its two strings.
        var graph = Measure(() => new OrderEvent
        {
            CustomerName = new string('x', "Contoso Ltd.".Length),
            Tags = new List<string>(3) { new('x', 3), new('x', 3), new('x', 2) },
            ShipTo = new Address { Street = new string('x', "1 Main St".Length), City = new string('x', "Springfield".Length), Zip = 12345 },
            RetryCount = 3,
        });

        Assert.Equal(graph, read);
    }

    [Fact]
    public void SerializingEveryGenericShapeIntoABufferWriterAllocatesNothing()
    {
        var values = new GenericValues(9);
        var catalogs = Enumerable.Range(0, 50).Select(_ => values.Catalog()).ToList();
        var envelope = values.Envelope();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        foreach (var catalog in catalogs)
            Serialize(catalog, output);
        Serialize(envelope, output);

        for (var i = 0; i < catalogs.Count; i++)
        {
            // As above: three tries, so that a method promoted to its optimized tier meanwhile does not count.
            var attempts = new long[3];
            for (var attempt = 0; attempt < attempts.Length; attempt++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                Serialize(catalogs[i], output);
                Serialize(envelope, output);
                attempts[attempt] = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            Assert.True(attempts.Contains(0), $"catalog #{i} allocated {string.Join(", ", attempts)} bytes in three runs.");
        }
    }

    [Fact]
    public void DeserializingAGenericMessageAllocatesOnlyItsObjectGraph()
    {
        var bson = BsonCodec.ToBson(new Generics.Envelope<Generics.Member>("joined", new Generics.Member(7, "alice")));

        var read = Measure(() => BsonCodec.Deserialize<Generics.Envelope<Generics.Member>>(bson));
        var graph = Measure(() => new Generics.Envelope<Generics.Member>(new string('x', "joined".Length), new Generics.Member(7, new string('x', "alice".Length))));

        Assert.Equal(graph, read);
    }

    [Fact]
    public void DeserializingGenericMembersAllocatesOnlyTheirObjectGraph()
    {
        var page = new Generics.Page<Generics.Member> { Number = 1, Items = [new Generics.Member(1, "a"), new Generics.Member(2, "b")] };
        var bson = BsonCodec.ToBson(new Generics.Catalog { Pages = [page], Counted = new Generics.Pair<int, string?>(3, "c") });

        var read = Measure(() => BsonCodec.Deserialize<Generics.Catalog>(bson));
        // The catalog (whose initializer makes an empty Pages list, replaced when read), a list of exactly one page, the
        // page (whose initializer makes an empty Items list, replaced too), a list of two members, their names, and the
        // pair's string; the pair is a struct inside the catalog.
        var graph = Measure(() => new Generics.Catalog
        {
            Pages = new List<Generics.Page<Generics.Member>>(1)
            {
                new() { Number = 1, Items = new List<Generics.Member>(2) { new(1, new string('x', 1)), new(2, new string('x', 1)) } },
            },
            Counted = new Generics.Pair<int, string?>(3, new string('x', 1)),
        });

        Assert.Equal(graph, read);
    }

    private static void Serialize<T>(T value, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        BsonCodec.Serialize(value, output);
    }

    private static long Measure<T>(Func<T> action)
    {
        GC.KeepAlive(action());
        var before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(action());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // An enum value without a name of its own (undefined, a combination of flags, or Blue, which shares its value with
    // Alias) is written through Enum.ToString, which allocates; values with one name are UTF-8 literals.
    private static Zoo.Animal WithNamedEnums(Zoo.Animal animal)
    {
        if (animal.Attributed is { } attributed)
        {
            attributed.Color = Shade.Green;
            attributed.Permissions = Permissions.Write;
            attributed.ShadeNames = [Shade.Red, Shade.Green];
        }
        return animal;
    }
}
