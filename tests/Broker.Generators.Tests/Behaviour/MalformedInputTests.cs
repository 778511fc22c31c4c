using System.Buffers.Binary;
using Broker.Bson;
using Broker.Generators.Tests.Behaviour.Zoo;
using ZooAnimal = Broker.Generators.Tests.Behaviour.Zoo.Animal;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Corrupt and truncated documents, made by mutating valid ones at random (fixed seed): reading them either succeeds or
/// throws <see cref="BsonFormatException"/> with an offset inside the input and a reason; never another exception, a
/// hang, or an allocation out of proportion to the input.
/// </summary>
public sealed class MalformedInputTests
{
    private const int Cases = 30_000;

    // Generous: the object graph a document can describe, plus one exception with its message, per input byte.
    private const long AllocationPerInputByte = 256;
    private const long AllocationAllowance = 64 * 1024;

    [Fact]
    public void MutatedDocumentsFailOnlyWithBsonFormatException()
    {
        var random = new Random(20261127);
        var values = new ZooValues(5);
        var animals = Enumerable.Range(0, 40).Select(_ => BsonCodec.ToBson(values.Animal())).ToArray();
        // A quarter of the cases mutate the document with every supported kind of value, read back as that type, so
        // each value reader meets corrupt input, not only the skipping of unknown elements.
        var everything = BsonCodec.ToBson(Samples.Everything());
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < Cases; i++)
        {
            var isEverything = random.Next(4) == 0;
            var (mutation, bytes) = Mutate(random, isEverything ? everything : animals[random.Next(animals.Length)]);
            var before = GC.GetAllocatedBytesForCurrentThread();
            string outcome;
            try
            {
                if (isEverything)
                    BsonCodec.Deserialize<Everything>(bytes);
                else
                    BsonCodec.Deserialize<ZooAnimal>(bytes);
                outcome = "read";
            }
            catch (BsonFormatException error)
            {
                Assert.InRange(error.Offset, 0, bytes.Length);
                Assert.False(string.IsNullOrWhiteSpace(error.Reason), $"case {i} ({mutation}): the error has no reason.");
                outcome = "rejected";
            }
            catch (Exception other)
            {
                Assert.Fail($"case {i} ({mutation}) threw {other.GetType().Name} instead of BsonFormatException: {other.Message}\n{Convert.ToHexString(bytes)}");
                throw;
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationAllowance + AllocationPerInputByte * bytes.Length,
                $"case {i} ({mutation}) allocated {allocated} bytes for {bytes.Length} bytes of input.");
            outcomes[mutation + " " + outcome] = outcomes.GetValueOrDefault(mutation + " " + outcome) + 1;
        }

        // Every kind of mutation was tried and most were caught; some still read (a flipped bit in a string).
        Assert.True(outcomes.Where(o => o.Key.EndsWith("rejected", StringComparison.Ordinal)).Sum(o => o.Value) > Cases / 2, string.Join(", ", outcomes));
        Assert.Equal(6, outcomes.Keys.Select(k => k.Split(' ')[0]).Distinct().Count());
    }

    [Fact]
    public void EveryTruncationOfEveryZooValueFailsWithBsonFormatException()
    {
        var values = new ZooValues(6);
        for (var n = 0; n < 10; n++)
        {
            var bson = BsonCodec.ToBson(values.Animal());
            for (var length = 0; length < bson.Length; length++)
            {
                var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<ZooAnimal>(bson.AsSpan(0, length)));
                Assert.InRange(error.Offset, 0, length);
            }
        }
    }

    [Fact]
    public void AHugeLengthIsRefusedBeforeAnythingIsAllocatedForIt()
    {
        var bson = BsonCodec.ToBson(new ZooAnimal { Collections = new Zoo.Collections { Shades = [Shade.Red, Shade.Blue] } });
        // The length of the Shades array, at the offset where its int32 starts, claims two gigabytes.
        var at = bson.AsSpan().IndexOf("Shades\0"u8) + "Shades\0"u8.Length;
        BinaryPrimitives.WriteInt32LittleEndian(bson.AsSpan(at), int.MaxValue);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BsonFormatException>(() => BsonCodec.Deserialize<ZooAnimal>(bson));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(at, error.Offset);
        Assert.InRange(allocated, 0, AllocationAllowance);
    }

    private static (string Mutation, byte[] Bytes) Mutate(Random random, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return ("bitflip", bytes);
            case 1:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return ("byte", bytes);
            case 2:
                // An int32 somewhere set to an extreme: the shape of a corrupt length prefix.
                var at = random.Next(Math.Max(1, bytes.Length - 4));
                int[] extremes = [0, 1, 4, 5, -1, int.MinValue, int.MaxValue, bytes.Length, bytes.Length + 1, random.Next()];
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), extremes[random.Next(extremes.Length)]);
                return ("length", bytes);
            case 3:
                return ("truncate", bytes[..random.Next(bytes.Length)]);
            case 4:
                var cut = random.Next(bytes.Length);
                var count = random.Next(1, Math.Min(16, bytes.Length - cut) + 1);
                return ("delete", [.. bytes[..cut], .. bytes[(cut + count)..]]);
            default:
                var insertAt = random.Next(bytes.Length);
                var inserted = new byte[random.Next(1, 9)];
                random.NextBytes(inserted);
                return ("insert", [.. bytes[..insertAt], .. inserted, .. bytes[insertAt..]]);
        }
    }
}
