// Closed generic types, as channel messages and as members: each closed type gets a codec of its own, and writes what
// MongoDB.Bson writes for the same value (it maps a closed generic class by its run-time shape, like any other).
using MongoDB.Bson.Serialization.Attributes;

#pragma warning disable CA1002 // List<T> members are one of the shapes under test.
#pragma warning disable CA2227 // Settable collections are what MongoDB.Bson maps by default.
#pragma warning disable CA1815 // The structs under test need no equality of their own.

namespace Broker.Generators.Tests.Behaviour.Generics
{
    public enum Tier
    {
        Free,
        Gold,
    }

    public sealed record Member(int Id, string Name);

    /// <summary>A generic positional record: the common message envelope.</summary>
    public sealed record Envelope<TPayload>(string Kind, TPayload Payload);

    /// <summary>A generic class with settable members.</summary>
    public sealed class Page<T>
    {
        public int Number { get; set; }

        public List<T> Items { get; set; } = [];

        public string? Cursor { get; set; }
    }

    /// <summary>An immutable generic struct with two type parameters, created through its constructor.</summary>
    public readonly struct Pair<TKey, TValue>
    {
        public Pair(TKey key, TValue value)
        {
            Key = key;
            Value = value;
        }

        public TKey Key { get; }

        public TValue Value { get; }
    }

    /// <summary>An immutable generic class: get-only properties set by the constructor.</summary>
    public sealed class Holder<T>
    {
        public Holder(T value, DateTime at)
        {
            Value = value;
            At = at;
        }

        public T Value { get; }

        public DateTime At { get; }
    }

    /// <summary>A generic class that always writes its discriminator, to match MongoDB.Bson's name for a generic type.</summary>
    [BsonDiscriminator(Required = true)]
    public sealed class Tagged<T>
    {
        public T? Value { get; set; }
    }

    /// <summary>Every generic shape as a member.</summary>
    public sealed class Catalog
    {
        public List<Page<Member>> Pages { get; set; } = [];

        public Envelope<Member>? Reply { get; set; }

        public Envelope<Member?>? MaybeReply { get; set; }

        public Dictionary<string, Page<Member>>? ByName { get; set; }

        public Envelope<Page<Member>>? Nested { get; set; }

        public Envelope<int>? Count { get; set; }

        public Envelope<string>? Text { get; set; }

        public Envelope<Tier>? Level { get; set; }

        public Envelope<List<int>>? Numbers { get; set; }

        public Envelope<int?>? MaybeNumber { get; set; }

        public Pair<int, string?> Counted { get; set; }

        public Pair<Tier, List<string>>? Tagged { get; set; }

        public Holder<Guid>? Held { get; set; }

        public Page<Member[]>? Grid { get; set; }

        public Tagged<long>? Marked { get; set; }

        public Tagged<Dictionary<string, int[]>>? MarkedMap { get; set; }

        public Tagged<int?>? MarkedNullable { get; set; }

        public Envelope<Legacy.Member>? Old { get; set; }
    }

    [Channel("tests/generic-member")]
    internal partial interface IMemberEnvelopeChannel : IQueueChannel<Envelope<Member>>;

    [Channel("tests/generic-catalog")]
    internal partial interface ICatalogChannel : IQueueChannel<Catalog>;
}

namespace Broker.Generators.Tests.Behaviour.Generics.Legacy
{
    /// <summary>Another Member, in another namespace: Envelope of it is another codec.</summary>
    public sealed record Member(string Login);
}
