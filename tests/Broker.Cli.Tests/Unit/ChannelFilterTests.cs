using System.Diagnostics;
using Broker.Cli.Commands;

namespace Broker.Cli.Tests.Unit;

public sealed class ChannelFilterTests
{
    [Theory]
    [InlineData(null, "orders", true)]
    [InlineData("", "orders", true)]
    [InlineData("der", "orders/eu", true)]
    [InlineData("Der", "orders/eu", false)]
    [InlineData("orders/*", "orders/eu", true)]
    [InlineData("orders/*", "orders", false)]
    [InlineData("orders/*", "old/orders/eu", false)]
    [InlineData("*/eu", "orders/eu", true)]
    [InlineData("*", "anything/at/all", true)]
    [InlineData("o*s/e?", "orders/e?", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("a.b*", "a.bc", true)]
    public void MatchesByTextOrPattern(string? filter, string name, bool matches) =>
        Assert.Equal(matches, ChannelFilter.Parse(filter).Matches(name));

    // A pattern of many stars against a long name that almost matches takes linear time, not exponential.
    [Fact]
    public void ManyStarsOnALongNameStayFast()
    {
        var filter = ChannelFilter.Parse(string.Concat(Enumerable.Repeat("a*", 50)) + "b");
        var name = new string('a', 10_000);
        var watch = Stopwatch.StartNew();

        Assert.False(filter.Matches(name));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
