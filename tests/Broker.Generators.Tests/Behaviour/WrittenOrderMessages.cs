// Element names the written-order path of the generated codecs must tell apart: names that share a prefix, names of
// eight bytes and just past it (where one word compare ends), of sixteen and just past it, and names that are not
// ASCII. ISimilarNamesChannel reaches the type, so the generator compiles its real codec.
using MongoDB.Bson.Serialization.Attributes;

#pragma warning disable CA2227 // Settable collections are what MongoDB.Bson maps by default.
#pragma warning disable CA1002 // A List<T> member is one of the shapes under test.

namespace Broker.Generators.Tests.Behaviour;

public sealed class SimilarNames
{
    [BsonElement("a")]
    public int A { get; set; }

    [BsonElement("ab")]
    public int Ab { get; set; }

    [BsonElement("abcdefgh")]
    public int Eight { get; set; }

    [BsonElement("abcdefghi")]
    public int Nine { get; set; }

    [BsonElement("abcdefghijklmnop")]
    public int Sixteen { get; set; }

    [BsonElement("abcdefghijklmnopq")]
    public int Seventeen { get; set; }

    [BsonElement("prénom")]
    public string FirstName { get; set; } = "";

    [BsonElement("名前")]
    public string Name { get; set; } = "";

    [BsonIgnoreIfNull]
    public string? Note { get; set; }

    public List<string> Tags { get; set; } = [];
}

[Channel("tests/similar-names")]
internal partial interface ISimilarNamesChannel : IQueueChannel<SimilarNames>;
