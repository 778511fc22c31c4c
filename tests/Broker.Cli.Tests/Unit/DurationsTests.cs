using Broker.Cli.Settings;

namespace Broker.Cli.Tests.Unit;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2", 2000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 3S ", 3000)]
    public void ReadsEachUnit(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Durations.Parse(text, "--interval"));

    [Theory]
    [InlineData("abc")]
    [InlineData("-1s")]
    [InlineData("1x")]
    [InlineData("1e9")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("NaN")]
    public void RefusesWhatIsNotADuration(string text)
    {
        var refused = Assert.Throws<CliException>(() => Durations.Parse(text, "--interval"));

        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("--interval", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("25h")]
    [InlineData("999999999999999999999s")]
    [InlineData("1441m")]
    public void RefusesMoreThanADay(string text) =>
        Assert.Contains("longer than a day", Assert.Throws<CliException>(() => Durations.Parse(text, "--timeout")).Message, StringComparison.Ordinal);

    [Fact]
    public void ZeroOnlyWhereAllowed()
    {
        Assert.Equal(TimeSpan.Zero, Durations.Parse("0", "--interval", allowZero: true));
        Assert.Equal(TimeSpan.Zero, Durations.Parse("0.1ms", "--interval", allowZero: true));
        Assert.Throws<CliException>(() => Durations.Parse("0s", "--timeout"));
    }
}
