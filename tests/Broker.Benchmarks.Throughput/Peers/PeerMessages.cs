namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>The seed's message, as in the codec benchmarks: 40 bytes of BSON for <c>(42, "alice_smith")</c>.</summary>
public sealed record PeerUser(int Id, string Username);

/// <summary>The priorities of <see cref="PeerOrderEvent"/>.</summary>
public enum PeerPriority
{
    /// <summary>Low.</summary>
    Low,

    /// <summary>Normal.</summary>
    Normal,

    /// <summary>High.</summary>
    High,
}

/// <summary>Where an order ships.</summary>
public sealed class PeerAddress
{
    /// <summary>Street.</summary>
    public string Street { get; set; } = "";

    /// <summary>City.</summary>
    public string City { get; set; } = "";

    /// <summary>Postal code.</summary>
    public int Zip { get; set; }
}

/// <summary>The codec benchmarks' 10-field event: 276 bytes of BSON.</summary>
public sealed class PeerOrderEvent
{
    /// <summary>Sequence.</summary>
    public long Sequence { get; set; }

    /// <summary>Amount.</summary>
    public double Amount { get; set; }

    /// <summary>Express delivery.</summary>
    public bool IsExpress { get; set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Correlation id.</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>Customer.</summary>
    public string CustomerName { get; set; } = "";

#pragma warning disable CA2227, CA1002 // The baselines' shape: a settable List<string>.
    /// <summary>Tags.</summary>
    public List<string> Tags { get; set; } = [];
#pragma warning restore CA2227, CA1002

    /// <summary>Shipping address.</summary>
    public PeerAddress? ShipTo { get; set; }

    /// <summary>Priority.</summary>
    public PeerPriority Priority { get; set; }

    /// <summary>Retries so far.</summary>
    public int? RetryCount { get; set; }
}

/// <summary>The typed sides' channels, generated as a user's would be; each round uses the one of its workload.</summary>
[Channel("peers/users")]
public partial interface IPeerUsers : IQueueChannel<PeerUser>;

/// <inheritdoc cref="IPeerUsers"/>
[Channel("peers/orders")]
public partial interface IPeerOrders : IQueueChannel<PeerOrderEvent>;

/// <summary>The workloads' values: the codec benchmarks' values, with the id varying per message.</summary>
internal static class PeerMessages
{
    public static PeerUser User(long id) => new((int)(id % 1_000_000_000) + 42, "alice_smith");

    public static PeerOrderEvent Order(long id) => new()
    {
        Sequence = 1_234_567_890_123 + id,
        Amount = 99.95,
        IsExpress = true,
        CreatedAt = new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc),
        CorrelationId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"),
        CustomerName = "Contoso Ltd.",
        Tags = ["new", "vip", "eu"],
        ShipTo = new PeerAddress { Street = "1 Main St", City = "Springfield", Zip = 12345 },
        Priority = PeerPriority.High,
        RetryCount = 3,
    };
}
