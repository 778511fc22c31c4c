using Broker.Bson;

namespace Broker.Tests.Bson;

/// <summary>
/// The run-time registry of subtypes other assemblies declare: one discriminator per base, the same declaration twice is
/// harmless, and concurrent registrations all land. Each test has base classes of its own, since registrations last
/// for the process.
/// </summary>
public sealed class BsonSubtypesTests
{
    [Fact]
    public void ADuplicateDiscriminatorForOneBaseIsAnErrorNamingBothTypes()
    {
        BsonSubtypes.Register<DuplicateBase, First.Gold>(new Codec<First.Gold>(), "Gold");

        var error = Assert.Throws<InvalidOperationException>(() => BsonSubtypes.Register<DuplicateBase, Second.Gold>(new Codec<Second.Gold>(), "Gold"));

        Assert.Equal(
            "Broker.Tests.Bson.First+Gold and Broker.Tests.Bson.Second+Gold both register the discriminator 'Gold' as subtypes of " +
            "Broker.Tests.Bson.BsonSubtypesTests+DuplicateBase, so a reader could not tell which to create. Give one of them another name " +
            "with [BsonDiscriminator(\"...\")], or declare only one of them.",
            error.Message);
    }

    [Fact]
    public void TheSameSubtypeDeclaredTwiceIsRegisteredOnce()
    {
        var first = new Codec<Twice>();
        BsonSubtypes.Register<TwiceBase, Twice>(first, "Twice");
        BsonSubtypes.Register<TwiceBase, Twice>(new Codec<Twice>(), "Twice");

        var writer = new BsonWriter(new System.Buffers.ArrayBufferWriter<byte>());
        BsonSubtypes.WriteDerived<TwiceBase>(ref writer, new Twice(), "TwiceBase");

        Assert.Equal(1, first.Writes);
    }

    [Fact]
    public void NoRegistrationMeansNoSubtypes()
    {
        Assert.False(BsonSubtypes.HasAny<UnusedBase>());
    }

    [Fact]
    public async Task ConcurrentRegistrationsAllLand()
    {
        Action[] registrations =
        [
            () => BsonSubtypes.Register<ConcurrentBase, C0>(new Codec<C0>(), "C0"),
            () => BsonSubtypes.Register<ConcurrentBase, C1>(new Codec<C1>(), "C1"),
            () => BsonSubtypes.Register<ConcurrentBase, C2>(new Codec<C2>(), "C2"),
            () => BsonSubtypes.Register<ConcurrentBase, C3>(new Codec<C3>(), "C3"),
            () => BsonSubtypes.Register<ConcurrentBase, C4>(new Codec<C4>(), "C4"),
            () => BsonSubtypes.Register<ConcurrentBase, C5>(new Codec<C5>(), "C5"),
        ];
        using var start = new Barrier(registrations.Length);

        // As assemblies loading on several threads at once register their subtypes.
        await Task.WhenAll(registrations.Select(register => Task.Run(() =>
        {
            start.SignalAndWait();
            register();
        })));

        for (var i = 0; i < registrations.Length; i++)
        {
            var name = "C" + i;
            // Each codec's Read throws naming its type: the discriminator reached the right one.
            var reached = Assert.Throws<InvalidOperationException>(() => ReadDerived<ConcurrentBase>(name));
            Assert.Equal("read " + name, reached.Message);
        }
        Assert.Throws<BsonFormatException>(() => ReadDerived<ConcurrentBase>("C6"));
    }

    private static T ReadDerived<T>(string discriminator)
    {
        var reader = new BsonReader([5, 0, 0, 0, 0]);
        return BsonSubtypes.ReadDerived<T>(ref reader, System.Text.Encoding.UTF8.GetBytes(discriminator), typeof(T).Name);
    }

    public class DuplicateBase;

    public class TwiceBase;

    public sealed class Twice : TwiceBase;

    public class UnusedBase;

    public class ConcurrentBase;

    public sealed class C0 : ConcurrentBase;

    public sealed class C1 : ConcurrentBase;

    public sealed class C2 : ConcurrentBase;

    public sealed class C3 : ConcurrentBase;

    public sealed class C4 : ConcurrentBase;

    public sealed class C5 : ConcurrentBase;

    // Counts writes; reading throws, which the concurrency test uses to see which codec a discriminator reached.
    private sealed class Codec<T> : BsonSubtypeCodec<T>
    {
        public int Writes { get; private set; }

        public override void WriteBody(ref BsonWriter writer, T value) => Writes++;

        public override T Read(ref BsonReader reader) => throw new InvalidOperationException("read " + typeof(T).Name);
    }
}

/// <summary>Two classes of one name in different containers, as two assemblies may have.</summary>
public static class First
{
    /// <summary>A subtype.</summary>
    public sealed class Gold : BsonSubtypesTests.DuplicateBase;
}

/// <summary>The other.</summary>
public static class Second
{
    /// <summary>A subtype with the same discriminator.</summary>
    public sealed class Gold : BsonSubtypesTests.DuplicateBase;
}
