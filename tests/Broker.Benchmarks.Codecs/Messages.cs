using Broker;
using MemoryPack;

namespace Broker.Benchmarks.Codecs;

/// <summary>The seed's message: 40 bytes of BSON.</summary>
[MemoryPackable]
public sealed partial record User(int Id, string Username);

public enum Priority
{
    Low,
    Normal,
    High,
}

[MemoryPackable]
public sealed partial class Address
{
    public string Street { get; set; } = "";

    public string City { get; set; } = "";

    public int Zip { get; set; }
}

/// <summary>The 10-field event of the performance baselines: 289 bytes of BSON.</summary>
[MemoryPackable]
public sealed partial class OrderEvent
{
    public long Sequence { get; set; }

    public double Amount { get; set; }

    public bool IsExpress { get; set; }

    public DateTime CreatedAt { get; set; }

    public Guid CorrelationId { get; set; }

    public string CustomerName { get; set; } = "";

#pragma warning disable CA2227, CA1002 // The baselines' shape: a settable List<string>.
    public List<string> Tags { get; set; } = [];
#pragma warning restore CA2227, CA1002

    public Address? ShipTo { get; set; }

    public Priority Priority { get; set; }

    public int? RetryCount { get; set; }
}

[Channel("bench/users")]
public partial interface IUserChannel : IQueueChannel<User>;

[Channel("bench/orders")]
public partial interface IOrderChannel : IQueueChannel<OrderEvent>;

[System.Text.Json.Serialization.JsonSerializable(typeof(User))]
[System.Text.Json.Serialization.JsonSerializable(typeof(OrderEvent))]
internal sealed partial class JsonContext : System.Text.Json.Serialization.JsonSerializerContext;

internal static class Values
{
    public static User User() => new(42, "alice_smith");

    public static OrderEvent Order() => new()
    {
        Sequence = 1_234_567_890_123,
        Amount = 99.95,
        IsExpress = true,
        CreatedAt = new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc),
        CorrelationId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"),
        CustomerName = "Contoso Ltd.",
        Tags = ["new", "vip", "eu"],
        ShipTo = new Address { Street = "1 Main St", City = "Springfield", Zip = 12345 },
        Priority = Priority.High,
        RetryCount = 3,
    };
}
