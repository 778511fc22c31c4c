// Channels ordered by a member of each kind OrderBy supports, compiled with the real generator into this assembly, so
// OrderingKeyTests can check the keys the generated OrderingKeyOf gives when a message is produced.
namespace Broker.Generators.Tests.Behaviour.Ordering;

public enum Region : byte
{
    North = 1,
    South = 200,
}

public enum Balance : long
{
    Overdrawn = -7,
    Vast = 1L << 40,
}

/// <summary>A base class, so one key member is inherited by the message.</summary>
public class Keyed
{
    public Guid? TenantId { get; set; }
}

public sealed class Shipment : Keyed
{
    public string? CustomerId { get; set; }

    public Guid Id { get; set; }

    public int Shard { get; set; }

    public sbyte Delta { get; set; }

    public ulong Serial { get; set; }

    public long? Account { get; set; }

    public Region Region { get; set; }

    public Balance? Balance { get; set; }
}

[Channel("ordering/by-customer", OrderBy = nameof(Shipment.CustomerId))]
public partial interface IByCustomerChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-id", OrderBy = nameof(Shipment.Id))]
public partial interface IByIdChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-tenant", OrderBy = nameof(Shipment.TenantId))]
public partial interface IByTenantChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-shard", OrderBy = nameof(Shipment.Shard))]
public partial interface IByShardChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-delta", OrderBy = nameof(Shipment.Delta))]
public partial interface IByDeltaChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-serial", OrderBy = nameof(Shipment.Serial))]
public partial interface IBySerialChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-account", OrderBy = nameof(Shipment.Account))]
public partial interface IByAccountChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-region", OrderBy = nameof(Shipment.Region))]
public partial interface IByRegionChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-balance", OrderBy = nameof(Shipment.Balance))]
public partial interface IByBalanceChannel : IQueueChannel<Shipment>;

[Channel("ordering/by-produce", Ordered = true)]
public partial interface IByProduceChannel : IQueueChannel<Shipment>;
