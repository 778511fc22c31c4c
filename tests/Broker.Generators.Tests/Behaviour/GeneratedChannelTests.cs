using System.Reflection;
using Broker.Bson;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>The generated implementations and registrations, compiled into this assembly.</summary>
public sealed class GeneratedChannelTests
{
    [Fact]
    public void DefinitionCarriesTheAttributeValuesParsedAtCompileTime()
    {
        var registration = IRegistrationChannel.Implementation.ChannelDefinition;
        Assert.Equal("user/registered", registration.Name);
        Assert.Equal(QueueMessageProcessing.ExactlyOnce, registration.Process);
        Assert.Equal(TimeSpan.FromSeconds(1), registration.DedupInterval);
        Assert.Equal(ChannelDefinition.DefaultMaxAttempts, registration.MaxAttempts);
        Assert.Equal(ChannelDefinition.DefaultRetryDelay, registration.RetryDelay);

        var orders = IOrderChannel.Implementation.ChannelDefinition;
        Assert.Equal(QueueMessageProcessing.AtLeastOnce, orders.Process);
        Assert.Equal(TimeSpan.Zero, orders.DedupInterval);
        Assert.Equal(3, orders.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), orders.RetryDelay);
    }

    [Fact]
    public async Task ProducingEncodesTheMessageWithTheGeneratedCodec()
    {
        var transport = new RecordingTransport();
        IRegistrationChannel channel = new IRegistrationChannel.Implementation(transport, loggerFactory: null);

        var result = await channel.ProduceAsync(Samples.User());

        Assert.True(result.IsEnqueued);
        var produced = Assert.Single(transport.Produced);
        Assert.Same(IRegistrationChannel.Implementation.ChannelDefinition, produced.Channel);
        Assert.Equal(MongoBson.Hex(MongoBson.ToBson(Samples.User())), MongoBson.Hex(produced.Message.Payload.ToArray()));
        Assert.NotNull(produced.Message.Dedup);
        Assert.Equal(TimeSpan.FromSeconds(1), produced.Message.Dedup.Value.Window);
    }

    [Fact]
    public void AddChannelsRegistersEveryChannelOfTheAssembly()
    {
        var services = new ServiceCollection();

        var builder = new BrokerBuilder(services).AddChannels();

        Assert.Equal(
            new[] { typeof(IEverythingChannel), typeof(IOrderChannel), typeof(IRegistrationChannel), typeof(ISimilarNamesChannel), typeof(Zoo.IZooChannel), typeof(Stored.IStoredChannel), typeof(Stored.IStoredEnvelopeChannel), typeof(NullChecks.INullCheckChannel), typeof(Camel.IProfileChannel), typeof(Camel.IKeyedChannel),
                typeof(Ordering.IByCustomerChannel), typeof(Ordering.IByIdChannel), typeof(Ordering.IByTenantChannel), typeof(Ordering.IByShardChannel),
                typeof(Ordering.IByDeltaChannel), typeof(Ordering.IBySerialChannel), typeof(Ordering.IByAccountChannel), typeof(Ordering.IByRegionChannel),
                typeof(Ordering.IByBalanceChannel), typeof(Ordering.IByProduceChannel), typeof(Generics.IMemberEnvelopeChannel), typeof(Generics.ICatalogChannel) }.OrderBy(t => t.FullName),
            builder.ChannelTypes.OrderBy(t => t.FullName));
        Assert.Contains(services, d => d.ServiceType == typeof(IRegistrationChannel));
    }

    [Fact]
    public void TheAssemblyNamesItsRegistry()
    {
        var attribute = typeof(User).Assembly.GetCustomAttribute<ChannelRegistryAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal("Broker.Generated.Broker_Generators_Tests_ChannelRegistry", attribute.RegistryType.FullName);
        Assert.NotNull(attribute.RegistryType.GetMethod("AddTo", [typeof(BrokerBuilder)]));
    }

    [Fact]
    public void CodecsOfEveryReachedTypeAreRegisteredWhenTheAssemblyLoads()
    {
        Assert.True(BsonCodec.TryGet<User>(out _));
        Assert.True(BsonCodec.TryGet<Everything>(out _));
        Assert.True(BsonCodec.TryGet<Address>(out _));
        Assert.True(BsonCodec.TryGet<Range>(out _));
        Assert.True(BsonCodec.TryGet<Alpha.Item>(out var alpha));
        Assert.True(BsonCodec.TryGet<Beta.Item>(out var beta));
        Assert.NotEqual(alpha.GetType(), beta.GetType());
        Assert.False(BsonCodec.TryGet<GeneratedChannelTests>(out _));
    }

    [Fact]
    public void EncodingAMessageAllocatesNothingBeyondTheOutput()
    {
        var codec = BsonCodec.For<OrderEvent>();
        var order = Samples.Order();
        var output = new System.Buffers.ArrayBufferWriter<byte>(1024);
        Encode();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            Encode();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void Encode()
        {
            output.ResetWrittenCount();
            var writer = new BsonWriter(output);
            codec.Write(ref writer, order);
            writer.Flush();
        }
    }
}
