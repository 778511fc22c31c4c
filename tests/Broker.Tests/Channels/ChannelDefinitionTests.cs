using Broker;

namespace Broker.Tests.Channels;

public sealed class ChannelDefinitionTests
{
    [Fact]
    public void ExactlyOnceWithoutIntervalUsesFiveMinutes()
    {
        var channel = new ChannelDefinition("user/registered", QueueMessageProcessing.ExactlyOnce);
        Assert.Equal(TimeSpan.FromMinutes(5), channel.DedupInterval);
    }

    [Fact]
    public void AtLeastOnceIsTheDefaultAndHasNoWindow()
    {
        var channel = new ChannelDefinition("user/registered");
        Assert.Equal(QueueMessageProcessing.AtLeastOnce, channel.Process);
        Assert.Equal(TimeSpan.Zero, channel.DedupInterval);
    }

    [Fact]
    public void DedupOnAtLeastOnceIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ChannelDefinition("c", QueueMessageProcessing.AtLeastOnce, TimeSpan.FromSeconds(1)));
        Assert.Contains("has no effect", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidValuesNameWhatIsWrong()
    {
        Assert.Contains("contains '.'", Assert.Throws<ArgumentException>(() => new ChannelDefinition("a.b")).Message, StringComparison.Ordinal);
        Assert.Equal("maxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelDefinition("c", maxAttempts: 0)).ParamName);
        Assert.Equal("dedupInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelDefinition("c", QueueMessageProcessing.ExactlyOnce, TimeSpan.Zero)).ParamName);
        Assert.Equal("dedupInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelDefinition("c", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromDays(7.5))).ParamName);
        Assert.Equal("retryDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelDefinition("c", retryDelay: TimeSpan.FromSeconds(-1))).ParamName);
    }

    [Fact]
    public void RetryDelayDoublesUpToTheCap()
    {
        var channel = new ChannelDefinition("c", retryDelay: TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), channel.RetryDelayAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(2), channel.RetryDelayAfter(2));
        Assert.Equal(TimeSpan.FromSeconds(4), channel.RetryDelayAfter(3));
        Assert.Equal(TimeSpan.FromSeconds(256), channel.RetryDelayAfter(9));
        Assert.Equal(ChannelDefinition.MaxRetryDelay, channel.RetryDelayAfter(10));
        Assert.Equal(ChannelDefinition.MaxRetryDelay, channel.RetryDelayAfter(int.MaxValue));
    }

    [Fact]
    public void ARetryDelayLongerThanTheCapIsKept()
    {
        var channel = new ChannelDefinition("c", retryDelay: TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(10), channel.RetryDelayAfter(3));
    }

    [Fact]
    public void EqualDefinitionsAreEqual()
    {
        Assert.Equal(
            new ChannelDefinition("c", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromSeconds(1)),
            new ChannelDefinition("c", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(new ChannelDefinition("c"), new ChannelDefinition("c", maxAttempts: 2));
    }
}
