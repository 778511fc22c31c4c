using System.Globalization;
using Broker.Generators.Tests.Behaviour.Ordering;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// The generated OrderingKeyOf of each OrderBy kind, seen where it matters: the key on the message a produce hands to the
/// transport. Numbers are formatted in invariant culture whatever the thread's culture, so the test runs under one whose
/// minus sign is '~'.
/// </summary>
public sealed class OrderingKeyTests
{
    private static readonly Guid SomeGuid = new("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public async Task AStringMemberIsTheKeyAsItIs()
    {
        Assert.Equal("customer-42", await KeyAsync(t => new IByCustomerChannel.Implementation(t, null), new Shipment { CustomerId = "customer-42" }));
        Assert.Null(await KeyAsync(t => new IByCustomerChannel.Implementation(t, null), new Shipment { CustomerId = null }));
    }

    [Fact]
    public async Task AGuidIsWrittenInItsDForm()
    {
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", await KeyAsync(t => new IByIdChannel.Implementation(t, null), new Shipment { Id = SomeGuid }));
    }

    [Fact]
    public async Task AnInheritedNullableGuidIsNoKeyWhenNull()
    {
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", await KeyAsync(t => new IByTenantChannel.Implementation(t, null), new Shipment { TenantId = SomeGuid }));
        Assert.Null(await KeyAsync(t => new IByTenantChannel.Implementation(t, null), new Shipment { TenantId = null }));
    }

    [Fact]
    public async Task IntegersAreWrittenInInvariantCulture()
    {
        Assert.Equal("-12", await KeyAsync(t => new IByShardChannel.Implementation(t, null), new Shipment { Shard = -12 }));
        Assert.Equal("-128", await KeyAsync(t => new IByDeltaChannel.Implementation(t, null), new Shipment { Delta = sbyte.MinValue }));
        Assert.Equal("18446744073709551615", await KeyAsync(t => new IBySerialChannel.Implementation(t, null), new Shipment { Serial = ulong.MaxValue }));
        Assert.Equal("-5000000000", await KeyAsync(t => new IByAccountChannel.Implementation(t, null), new Shipment { Account = -5_000_000_000 }));
        Assert.Null(await KeyAsync(t => new IByAccountChannel.Implementation(t, null), new Shipment { Account = null }));
    }

    [Fact]
    public async Task AnEnumIsWrittenAsItsUnderlyingNumber()
    {
        Assert.Equal("200", await KeyAsync(t => new IByRegionChannel.Implementation(t, null), new Shipment { Region = Region.South }));
        Assert.Equal("-7", await KeyAsync(t => new IByBalanceChannel.Implementation(t, null), new Shipment { Balance = Balance.Overdrawn }));
        Assert.Equal("1099511627776", await KeyAsync(t => new IByBalanceChannel.Implementation(t, null), new Shipment { Balance = Balance.Vast }));
        Assert.Null(await KeyAsync(t => new IByBalanceChannel.Implementation(t, null), new Shipment { Balance = null }));
    }

    [Fact]
    public async Task TheProducesKeyOverridesTheMember()
    {
        var key = await KeyAsync(t => new IByShardChannel.Implementation(t, null), new Shipment { Shard = 3 }, new ProduceOptions { OrderingKey = "chosen" });

        Assert.Equal("chosen", key);
    }

    [Fact]
    public async Task AnOrderedChannelWithoutOrderByTakesEachKeyFromItsProduce()
    {
        Assert.True(IByProduceChannel.Implementation.ChannelDefinition.Ordered);
        Assert.Null(await KeyAsync(t => new IByProduceChannel.Implementation(t, null), new Shipment { CustomerId = "ignored" }));
        Assert.Equal("account-1", await KeyAsync(t => new IByProduceChannel.Implementation(t, null), new Shipment(), new ProduceOptions { OrderingKey = "account-1" }));
    }

    [Fact]
    public void OnlyChannelsDeclaredOrderedAreOrdered()
    {
        Assert.True(IByCustomerChannel.Implementation.ChannelDefinition.Ordered);
        Assert.True(IByBalanceChannel.Implementation.ChannelDefinition.Ordered);
        Assert.False(IRegistrationChannel.Implementation.ChannelDefinition.Ordered);
        Assert.False(IOrderChannel.Implementation.ChannelDefinition.Ordered);
    }

    private static async Task<string?> KeyAsync(Func<RecordingTransport, IQueueChannel<Shipment>> create, Shipment message, ProduceOptions? options = null)
    {
        var transport = new RecordingTransport();
        var channel = create(transport);
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = TildeMinusCulture();
        try
        {
            var result = await channel.ProduceAsync(message, options);
            Assert.True(result.IsEnqueued);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        return Assert.Single(transport.Produced).Message.OrderingKey;
    }

    // A culture whose numbers differ from the invariant ones: a key written with it would not match one written elsewhere.
    private static CultureInfo TildeMinusCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NegativeSign = "~";
        return culture;
    }
}
