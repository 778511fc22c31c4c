using Broker;

namespace Broker.Tests.Intervals;

public sealed class IntervalParserTests
{
    public static TheoryData<string, double> ValidIntervals => new()
    {
        // Deepkit's documented examples.
        { "1s", 1_000 },
        { "5m", 300_000 },
        { "8s", 8_000 },
        { "100ms", 100 },
        { "2 minutes", 120_000 },
        { "24hours", 86_400_000 },
        // No unit means milliseconds.
        { "1500", 1_500 },
        // Fractions, with and without a leading digit.
        { "1.5h", 5_400_000 },
        { ".5s", 500 },
        { "0.25ms", 0.25 },
        // Every long form, case-insensitive, with optional spaces.
        { "1 msec", 1 }, { "2msecs", 2 }, { "3 millisecond", 3 }, { "4 milliseconds", 4 },
        { "1sec", 1_000 }, { "2 secs", 2_000 }, { "1 second", 1_000 }, { "3 seconds", 3_000 },
        { "1min", 60_000 }, { "2 mins", 120_000 }, { "1 minute", 60_000 },
        { "1h", 3_600_000 }, { "1hr", 3_600_000 }, { "2 hrs", 7_200_000 }, { "1 hour", 3_600_000 },
        { "1d", 86_400_000 }, { "1 day", 86_400_000 }, { "2 days", 172_800_000 },
        { "1w", 604_800_000 }, { "1wk", 604_800_000 }, { "2 wks", 1_209_600_000 }, { "1 week", 604_800_000 }, { "2 weeks", 1_209_600_000 },
        { "1y", 31_557_600_000 }, { "1yr", 31_557_600_000 }, { "1 yrs", 31_557_600_000 }, { "1 year", 31_557_600_000 }, { "2 years", 63_115_200_000 },
        { "1S", 1_000 }, { "1 MINUTES", 60_000 }, { "10   s", 10_000 },
    };

    [Theory]
    [MemberData(nameof(ValidIntervals))]
    public void ParsesDeepkitGrammar(string text, double expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromTicks((long)Math.Round(expectedMilliseconds * TimeSpan.TicksPerMillisecond)), Interval.Parse(text));
        Assert.True(Interval.TryParse(text, out var value));
        Assert.Equal(expectedMilliseconds, value.TotalMilliseconds, 6);
    }

    // Everything here Deepkit's parseTime silently turns into 0 (or undefined); we reject it and say why.
    [Theory]
    [InlineData("1h30m", "compound intervals")]
    [InlineData("1m30s", "compound intervals")]
    [InlineData("", "empty")]
    [InlineData("0s", "zero")]
    [InlineData("0", "zero")]
    [InlineData("-1s", "negative")]
    [InlineData("-5", "negative")]
    [InlineData("abc", "must start with a number")]
    [InlineData("s", "must start with a number")]
    [InlineData("1 secs.", "unexpected '.'")]
    [InlineData("1.", "a '.' must be followed by digits")]
    [InlineData("1e3", "unknown unit 'e'")]
    [InlineData("5 fortnights", "unknown unit 'fortnights'")]
    [InlineData(" 1s", "must start with a number")]
    [InlineData("1s ", "unexpected ' '")]
    [InlineData("1\ts", "unexpected '\t'")]
    [InlineData("99999999999y", "too large")]
    public void RejectsWithAReason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Interval.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Interval.TryParse(text, out _));
    }

    [Fact]
    public void NullIsRejectedByTryParse() => Assert.False(Interval.TryParse(null, out _));

    [Fact]
    public void ErrorMessageQuotesTheTextAndTheGrammar()
    {
        var error = Assert.Throws<FormatException>(() => Interval.Parse("5 fortnights"));
        Assert.Contains("'5 fortnights'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ms, s, m, h, d, w or y", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_000, "1s")]
    [InlineData(90 * 60_000, "90m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(86_400_000, "1d")]
    [InlineData(604_800_000, "1w")]
    [InlineData(1_500, "1500ms")]
    [InlineData(0.5, "0.5ms")]
    public void FormatsTheShortestExactForm(double milliseconds, string expected)
    {
        var value = TimeSpan.FromTicks((long)(milliseconds * TimeSpan.TicksPerMillisecond));
        Assert.Equal(expected, Interval.Format(value));
        Assert.Equal(value, Interval.Parse(expected));
    }
}
