namespace Broker.Analyzers.Tests;

/// <summary>
/// The guesses behind BRK0008's and BRK0011's "write ... instead": only confident ones, and only ones the grammar
/// accepts.
/// </summary>
public sealed class IntervalSuggestionTests
{
    private static string? Suggest(string text) =>
        IntervalSuggestion.Suggest(text, candidate => ChannelDeclarationRules.TryParseDedup(candidate, out _, out _));

    [Theory]
    [InlineData("1 secs.", "1 secs")]
    [InlineData(" 5m ", "5m")]
    [InlineData("'5m'", "5m")]
    [InlineData("1,5h", "1.5h")]
    [InlineData("1h30m", "90m")]
    [InlineData("1h 30m", "90m")]
    [InlineData("2 minutes, 30 seconds", "150s")]
    [InlineData("1 hour 30 minutes", "90m")]
    [InlineData("5 minuts", "5 minutes")]
    [InlineData("3 secnods", "3 seconds")]
    [InlineData("10 hourss", "10 hours")]
    [InlineData("00:05:00", "5m")]
    [InlineData("1.00:00:00", "1d")]
    [InlineData("PT5M", "5m")]
    [InlineData("PT1H30M", "90m")]
    public void RejectedTextGetsTheNearestValidForm(string text, string expected) => Assert.Equal(expected, Suggest(text));

    [Theory]
    [InlineData("-5m")] // The sign may be a typo or a misunderstanding; guessing would hide which.
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("soon")]
    [InlineData("1 month")] // Months have no fixed length, and "mon" is not a misspelt "min".
    [InlineData("3 mon")]
    [InlineData("5 xyzzy")]
    [InlineData("00:00:00")]
    [InlineData("")]
    public void TextWithoutAConfidentGuessGetsNone(string text) => Assert.Null(Suggest(text));

    [Fact]
    public void AGuessTheCallerRejectsIsNotOffered()
    {
        // "1h30m" would be "90m", but this caller accepts nothing over an hour.
        var suggestion = IntervalSuggestion.Suggest("1h30m", candidate =>
            IntervalGrammar.TryParse(candidate, out var value, out _) && value <= TimeSpan.FromHours(1));
        Assert.Null(suggestion);
    }

    [Fact]
    public void CompoundOverTheDedupLimitIsNotSuggested() => Assert.Null(Suggest("7d 1h"));
}
