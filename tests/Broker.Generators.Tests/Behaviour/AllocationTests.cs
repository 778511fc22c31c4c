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
