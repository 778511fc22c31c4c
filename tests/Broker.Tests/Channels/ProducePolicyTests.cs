using System.IO.Hashing;
using Broker;

namespace Broker.Tests.Channels;

public sealed class ProducePolicyTests
{
    private static readonly byte[] Payload = [5, 0, 0, 0, 0];
    private static readonly ChannelDefinition AtLeastOnce = new("c");
    private static readonly ChannelDefinition ExactlyOnce = new("c", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromSeconds(1));

    [Fact]
    public void AtLeastOnceHasNoDeduplication() => Assert.Null(ProducePolicy.ResolveDedup(AtLeastOnce, null, Payload));

    [Fact]
    public void ExactlyOnceChannelHashesThePayloadWithXxHash128()
    {
        var dedup = ProducePolicy.ResolveDedup(ExactlyOnce, null, Payload);
        Assert.NotNull(dedup);
        Assert.Equal(XxHash128.HashToUInt128(Payload), dedup.Value.Key);
        Assert.Equal(TimeSpan.FromSeconds(1), dedup.Value.Window);
    }

    [Fact]
    public void ProducerLevelExactlyOnceOnAnAtLeastOnceChannelUsesFiveMinutes()
    {
        var dedup = ProducePolicy.ResolveDedup(AtLeastOnce, new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce }, Payload);
        Assert.Equal(TimeSpan.FromMinutes(5), dedup!.Value.Window);
    }

    [Fact]
    public void ProducerLevelExactlyOnceOnAnExactlyOnceChannelKeepsTheChannelWindow()
    {
        var dedup = ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce }, Payload);
        Assert.Equal(TimeSpan.FromSeconds(1), dedup!.Value.Window);
    }

    [Fact]
    public void ProducerLevelIntervalOverridesTheChannel()
    {
        var dedup = ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Dedup = TimeSpan.FromHours(1) }, Payload);
        Assert.Equal(TimeSpan.FromHours(1), dedup!.Value.Window);
    }

    [Fact]
    public void ProducerLevelAtLeastOnceTurnsDeduplicationOff() =>
        Assert.Null(ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Process = QueueMessageProcessing.AtLeastOnce }, Payload));

    [Fact]
    public void ExplicitHashesMakeEqualPayloadsDistinctAndDifferentPayloadsEqual()
    {
        var one = ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = "1" }, Payload)!.Value.Key;
        var two = ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = "2" }, Payload)!.Value.Key;
        var oneAgain = ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = "1" }, [9, 9, 9])!.Value.Key;
        Assert.NotEqual(one, two);
        Assert.Equal(one, oneAgain);
    }

    [Fact]
    public void AnExplicitHashNeverEqualsThePayloadHashOfTheSameBytes()
    {
        var explicitKey = ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = "abc" }, Payload)!.Value.Key;
        Assert.NotEqual(XxHash128.HashToUInt128("abc"u8), explicitKey);
    }

    [Fact]
    public void LongExplicitHashesWork()
    {
        var longKey = new string('k', 10_000);
        Assert.Equal(
            ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = longKey }, Payload),
            ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = longKey }, [1]));
    }

    [Fact]
    public void OptionsWithoutEffectAreErrors()
    {
        Assert.Contains("Hash has no effect", Assert.Throws<ArgumentException>(() => ProducePolicy.ResolveDedup(AtLeastOnce, new ProduceOptions { Hash = "x" }, Payload)).Message, StringComparison.Ordinal);
        Assert.Contains("Dedup has no effect", Assert.Throws<ArgumentException>(() => ProducePolicy.ResolveDedup(AtLeastOnce, new ProduceOptions { Dedup = TimeSpan.FromSeconds(1) }, Payload)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Hash = "" }, Payload));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Dedup = TimeSpan.Zero }, Payload));
        Assert.Contains("at most 7 days", Assert.Throws<ArgumentOutOfRangeException>(() => ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Dedup = TimeSpan.FromDays(8) }, Payload)).Message, StringComparison.Ordinal);
        Assert.NotNull(ProducePolicy.ResolveDedup(ExactlyOnce, new ProduceOptions { Dedup = DedupWindow.Max }, Payload));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProducePolicy.ResolveDelay(ExactlyOnce, new ProduceOptions { Delay = TimeSpan.FromSeconds(-1) }));
    }
}
