using Broker.Bson;
using MongoDB.Bson;

namespace Broker.Tests.Bson;

public sealed class BsonCodecTests
{
    [Fact]
    public void RegisteredCodecIsFoundAndUsed()
    {
        Assert.True(BsonCodec.Register(new CounterCodec()));

        var bson = BsonCodec.ToBson(new Counter(7));

        Assert.Equal(new BsonDocument("n", 7).ToBson(), bson);
        Assert.Equal(new Counter(7), BsonCodec.Deserialize<Counter>(bson));
        Assert.True(BsonCodec.TryGet<Counter>(out var codec));
        Assert.IsType<CounterCodec>(codec);
    }

    [Fact]
    public void FirstRegistrationWins()
    {
        var first = new LabelCodec();
        BsonCodec.Register(first);

        Assert.False(BsonCodec.Register(new LabelCodec()));
        Assert.Same(first, BsonCodec.For<Label>());
    }

    [Fact]
    public void MissingCodecIsExplained()
    {
        Assert.False(BsonCodec.TryGet<Unregistered>(out _));

        var error = Assert.Throws<InvalidOperationException>(() => BsonCodec.For<Unregistered>());

        Assert.Contains(nameof(Unregistered), error.Message, StringComparison.Ordinal);
        Assert.Contains("[Channel]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VisitorSeesEveryRegisteredCodecWithItsType()
    {
        var codec = new VisitedCodec();
        BsonCodec.Register(codec);
        var visitor = new RecordingVisitor();

        BsonCodec.VisitRegistered(visitor);

        Assert.Contains(visitor.Seen, seen => seen.Type == typeof(Visited) && ReferenceEquals(seen.Codec, codec));
        Assert.Equal(visitor.Seen.Count, visitor.Seen.Select(s => s.Type).Distinct().Count());
    }

    private sealed record Counter(int N);

    private sealed record Visited;

    private sealed class RecordingVisitor : IBsonCodecVisitor
    {
        public List<(Type Type, object Codec)> Seen { get; } = [];

        public void Visit<T>(IBsonCodec<T> codec) => Seen.Add((typeof(T), codec));
    }

    private sealed class VisitedCodec : IBsonCodec<Visited>
    {
        public void Write(ref BsonWriter writer, Visited value) => throw new NotSupportedException("Only registration is tested.");

        public Visited Read(ref BsonReader reader) => throw new NotSupportedException("Only registration is tested.");
    }

    private sealed record Label(string Text);

    private sealed record Unregistered;

    // Hand-written the way the generator writes codecs, since this project does not run the generator.
    private sealed class CounterCodec : IBsonCodec<Counter>
    {
        public void Write(ref BsonWriter writer, Counter value)
        {
            var start = writer.WriteStartDocument();
            writer.WriteInt32("n"u8, value.N);
            writer.WriteEndDocument(start);
        }

        public Counter Read(ref BsonReader reader)
        {
            var scope = reader.ReadStartDocument();
            var n = 0;
            while (reader.ReadElement(out var name))
            {
                if (name.SequenceEqual("n"u8))
                    n = reader.ReadInt32();
                else
                    reader.Skip();
            }
            reader.ReadEndDocument(scope);
            return new Counter(n);
        }
    }

    private sealed class LabelCodec : IBsonCodec<Label>
    {
        public void Write(ref BsonWriter writer, Label value) => throw new NotSupportedException("Only registration is tested.");

        public Label Read(ref BsonReader reader) => throw new NotSupportedException("Only registration is tested.");
    }
}
