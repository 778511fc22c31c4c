// Types the adapter tests register with MongoDB.Bson's global BsonSerializer. Nothing else in this assembly reaches them,
// so the other tests keep comparing the codecs with MongoDB.Bson's own class maps.
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace Broker.Generators.Tests.Behaviour.Stored;

public sealed class StoredOrder
{
    public ObjectId Id { get; set; }

    [BsonElement("customer")]
    public string Customer { get; set; } = "";

    public decimal Total { get; set; }

    public List<StoredLine> Lines { get; set; } = [];

    public StoredPayment? Payment { get; set; }
}

public sealed record StoredLine(string Sku, int Quantity);

[BsonKnownTypes(typeof(StoredCard), typeof(StoredTransfer))]
public abstract class StoredPayment
{
    public decimal Amount { get; set; }
}

public sealed class StoredCard : StoredPayment
{
    public string Last4 { get; set; } = "";
}

public sealed class StoredTransfer : StoredPayment
{
    public string Iban { get; set; } = "";
}

public sealed class StoredEnvelope
{
    public StoredPayment? Payment { get; set; }
}

[Channel("tests/stored")]
internal partial interface IStoredChannel : IQueueChannel<StoredOrder>;

[Channel("tests/stored-envelopes")]
internal partial interface IStoredEnvelopeChannel : IQueueChannel<StoredEnvelope>;
