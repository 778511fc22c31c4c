using System.IO.Hashing;
using Broker.Protocol.Messages;
using Broker.Server.Deepkit;
using Broker.Server.Tests.Infrastructure;

namespace Broker.Server.Tests.Unit;

/// <summary>How a Deepkit publish's <c>hash</c> becomes a 128-bit dedup key.</summary>
public sealed class DeepkitDedupTests
{
    private static readonly byte[] Peter = Convert.FromHexString("21000000106964000100000002757365726e616d65000600000050657465720000");

    [Fact]
    public void DeepkitsDefaultHashBecomesTheKeyBrokerProducersComputeForTheSameBytes()
    {
        var dedup = Resolve(new DeepkitHash(true, false, XxHash32.HashToUInt32(Peter), null), 1000);

        Assert.Equal(XxHash128.HashToUInt128(Peter), dedup!.Value.Key);
        Assert.Equal(TimeSpan.FromSeconds(1), dedup.Value.Window);
    }

    [Fact]
    public void ProducerChosenNumberAndStringOfTheSameDigitsAreDifferentKeys()
    {
        var number = Resolve(new DeepkitHash(true, false, 1, null), 0);
        var text = Resolve(new DeepkitHash(true, true, 0, "1"), 0);

        Assert.NotEqual(number!.Value.Key, text!.Value.Key);
        Assert.Equal(ChannelDefinition.DefaultDedupInterval, number.Value.Window);
    }

    [Fact]
    public void AtLeastOnceHasNoKey() => Assert.Null(Resolve(default, 0, process: 1));

    private static Transport.Deduplication? Resolve(DeepkitHash hash, double interval, int process = 0)
    {
        var request = new QueuePublishRequest { Process = process, Hash = hash, DedupIntervalMs = interval, Channel = "user/registered", Payload = Peter };
        return DeepkitDedup.Resolve(request);
    }
}
