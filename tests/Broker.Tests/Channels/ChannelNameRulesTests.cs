using Broker;

namespace Broker.Tests.Channels;

public sealed class ChannelNameRulesTests
{
    [Theory]
    [InlineData("user/registered")]
    [InlineData("billing/invoice-paid")]
    [InlineData("a")]
    [InlineData("Orders_2024/v2/created")]
    public void AcceptsNamesOfTheAllowedSet(string name) => Assert.True(ChannelNameRules.IsValid(name, out _));

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("user//registered", "empty segment")]
    [InlineData("/user", "empty segment")]
    [InlineData("user/", "empty segment")]
    [InlineData("user.registered", "contains '.'")]
    [InlineData("user registered", "contains ' '")]
    [InlineData("user>*", "contains '>'")]
    [InlineData("-user", "start and end with a letter or digit")]
    [InlineData("user_", "start and end with a letter or digit")]
    [InlineData("ü", "contains 'ü'")]
    public void RejectsWithAReason(string? name, string reason)
    {
        Assert.False(ChannelNameRules.IsValid(name, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsNamesLongerThanTheLimit()
    {
        Assert.True(ChannelNameRules.IsValid(new string('a', ChannelNameRules.MaxLength), out _));
        Assert.False(ChannelNameRules.IsValid(new string('a', ChannelNameRules.MaxLength + 1), out var error));
        Assert.Contains("129 characters long; the limit is 128", error, StringComparison.Ordinal);
    }
}
