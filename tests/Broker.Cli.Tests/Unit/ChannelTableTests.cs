using Broker.Cli.Output;
using Broker.Management;
using Spectre.Console;

namespace Broker.Cli.Tests.Unit;

/// <summary>The channels table fits the terminal: long names wrap, counts never do.</summary>
public sealed class ChannelTableTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(40)]
    [InlineData(30)]
    public void FitsTheWidthWithLongNamesAndLargeCounts(int width)
    {
        var output = new StringWriter();
        var terminal = Terminal.ForWriters(output, new StringWriter(), width);
        var now = DateTimeOffset.UtcNow;
        ChannelSummary[] channels =
        [
            new("orders/eu/priority/express-with-a-very-long-name-indeed/v2", 1_234_567_890, 98_765, 4_321, 123_456, 10, 5, now.AddHours(-30), 3, 99),
            new("short", 0, 0, 0, 0, 0, 0, null, 0, 0),
        ];
        var rates = new Dictionary<string, ChannelRates> { [channels[0].Name] = new(12_345.6, 0), ["short"] = new(0.25, 0) };

        terminal.Out.Write(ChannelTable.Render(channels, rates, now, width));

        var table = output.ToString();
        Assert.All(table.Split('\n'), line => Assert.True(line.TrimEnd().Length <= width, $"{line.TrimEnd().Length} columns: '{line}'\n{table}"));
        foreach (var cell in new[] { "1,234,567,890", "123,456", "1d 06h" })
            Assert.True(table.Contains(cell, StringComparison.Ordinal), $"'{cell}' is not whole in:\n{table}");
        Assert.DoesNotContain("\u001b[", table, StringComparison.Ordinal);
    }
}
