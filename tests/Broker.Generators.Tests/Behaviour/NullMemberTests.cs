using Broker.Bson;

// Beside its message types, whose names (Order, Address, Money) win here over the Behaviour types of the same names.
namespace Broker.Generators.Tests.Behaviour.NullChecks;

/// <summary>
/// A null in a member declared non-nullable is refused by <c>ProduceAsync</c> with an <see cref="ArgumentException"/>
/// naming the member path, before anything reaches the transport; members that may hold null still travel as BSON null.
/// </summary>
public sealed class NullMemberTests
{
    [Fact]
    public async Task ATopLevelNullIsRefusedBeforeAnythingIsProduced()
    {
        var transport = new RecordingTransport();
        IRegistrationChannel channel = new IRegistrationChannel.Implementation(transport, loggerFactory: null);

        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(() => channel.ProduceAsync(new User(1, null!)).AsTask());

        Assert.Equal("User.Username", Assert.IsType<BsonNullMemberException>(exception).MemberPath);
        Assert.StartsWith("User.Username is null, but its type is not nullable", exception.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Produced);
    }

    [Fact]
    public async Task ANestedNullNamesThePathThroughTheDocument()
    {
        await AssertRefusedAsync(o => o.ShipTo.Street = null!, "Order.ShipTo.Street");
        await AssertRefusedAsync(o => o.ShipTo = null!, "Order.ShipTo");
        await AssertRefusedAsync(o => o.Customer = null!, "Order.Customer");
    }

    [Fact]
    public async Task ANullInACollectionElementNamesItsIndex()
    {
        await AssertRefusedAsync(o => o.Lines[2] = new Line(null!, 3), "Order.Lines[2].Sku");
        await AssertRefusedAsync(o => o.Lines[1] = null!, "Order.Lines[1]");
        await AssertRefusedAsync(o => o.Codes[1][0] = null!, "Order.Codes[1][0]");
        await AssertRefusedAsync(o => o.Codes[0] = null!, "Order.Codes[0]");
    }

    [Fact]
    public async Task ANullInADictionaryValueNamesItsKey()
    {
        await AssertRefusedAsync(o => o.Totals["eu"] = new Money(1, null!), "Order.Totals[\"eu\"].Currency");
        // A struct's default holds null in its reference members, whatever they are declared as.
        await AssertRefusedAsync(o => o.Totals["us"] = default, "Order.Totals[\"us\"].Currency");
    }

    [Fact]
    public async Task ANullInAKnownDerivedTypeIsFoundThroughTheBaseClassMember()
    {
        await AssertRefusedAsync(o => o.Payment = new Card { Holder = null! }, "Order.Payment.Holder");
        await AssertRefusedAsync(o => o.Payment = new Invoice { Reference = null! }, "Order.Payment.Reference");
    }

    [Fact]
    public async Task MembersThatMayHoldNullStillTravelAsMongoDbWritesThem()
    {
        var order = Filled();
        order.BillTo = null;
        order.ShipTo.Note = null;
        order.Notes = ["a", null];
        order.Payment = null;
        order.Coupon = null!;       // [BsonIgnoreIfNull]: left out
        order.Comment = null!;      // [MaybeNull]: written as null
        order.Legacy = new Legacy { Name = null, Aliases = ["x", null] };   // declared with annotations disabled
        var transport = new RecordingTransport();
        INullCheckChannel channel = new INullCheckChannel.Implementation(transport, loggerFactory: null);

        await channel.ProduceAsync(order);

        var produced = Assert.Single(transport.Produced);
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(order)), MongoBson.Hex(produced.Message.Payload.ToArray()));
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(new Legacy())), MongoBson.Hex(BsonCodec.ToBson(new Legacy())));
    }

    [Fact]
    public void TheCodecRefusesOutsideAChannelToo()
    {
        var order = Filled();
        order.Lines[0] = new Line(null!, 1);

        var exception = Assert.Throws<BsonNullMemberException>(() => BsonCodec.ToBson(order));

        Assert.Equal("Order.Lines[0].Sku", exception.MemberPath);
    }

    private static async Task AssertRefusedAsync(Action<Order> breakIt, string path)
    {
        var order = Filled();
        breakIt(order);
        var transport = new RecordingTransport();
        INullCheckChannel channel = new INullCheckChannel.Implementation(transport, loggerFactory: null);

        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(() => channel.ProduceAsync(order).AsTask());

        Assert.Equal(path, Assert.IsType<BsonNullMemberException>(exception).MemberPath);
        Assert.Contains(path + " is null", exception.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Produced);
    }

    private static Order Filled() => new()
    {
        Customer = "Contoso",
        ShipTo = new Address { Street = "1 Main St", Note = "back door" },
        BillTo = new Address { Street = "2 Side St" },
        Lines = [new Line("a", 1), new Line("b", 2), new Line("c", 3)],
        Totals = new Dictionary<string, Money> { ["eu"] = new Money(10, "EUR"), ["us"] = new Money(12, "USD") },
        Codes = [["x"], ["y", "z"]],
        Notes = ["n"],
        Payment = new Card { Reference = "r", Holder = "h" },
        Coupon = "SAVE",
        Comment = "ok",
        Legacy = new Legacy { Name = "old", Aliases = ["o"] },
    };
}
