using Broker.Bson;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>Which typed message a workload carries; the raw sides carry its BSON encoding as their payload.</summary>
internal enum MessageShape
{
    /// <summary>The seed's <see cref="PeerUser"/>: 40 bytes of BSON.</summary>
    User,

    /// <summary>The codec benchmarks' 10-field <see cref="PeerOrderEvent"/>: 276 bytes of BSON.</summary>
    OrderEvent,
}

/// <summary>
/// A workload of the comparison: the typed sides produce <see cref="Shape"/>'s values through a generated channel, and
/// every other side sends <see cref="Payload"/>, the BSON bytes of that same value, so both move the same bytes.
/// </summary>
internal sealed record PeerWorkload(MessageShape Shape, byte[] Payload)
{
    /// <summary>The two workloads of the issue: the 40-byte message and an OrderEvent-sized one.</summary>
    public static IReadOnlyList<PeerWorkload> All { get; } =
    [
        new(MessageShape.User, BsonCodec.ToBson(PeerMessages.User(1))),
        new(MessageShape.OrderEvent, BsonCodec.ToBson(PeerMessages.Order(1))),
    ];

    /// <summary>"40 B" or "276 B": how rows name a workload.</summary>
    public string Label => $"{Payload.Length} B";
}
