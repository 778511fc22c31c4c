using Broker.Management;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Broker.Cli.Output;

/// <summary>
/// The table of <c>broker channels</c>, fitted to the terminal's width: every column when they fit, then without the
/// columns an operator needs least (delayed, the rates, in flight), and below that one block per channel. Counts are
/// never cut or wrapped: a number split over two lines reads as two numbers.
/// </summary>
internal static class ChannelTable
{
    /// <summary>The narrowest the name column is made before columns are dropped instead.</summary>
    private const int MinNameWidth = 12;

    private enum Column
    {
        Ready,
        Delayed,
        InFlight,
        DeadLetters,
        ProducedRate,
        CompletedRate,
        Oldest,
    }

    private static readonly (Column Column, string Heading)[] s_columns =
    [
        (Column.Ready, "Ready"),
        (Column.Delayed, "Delayed"),
        (Column.InFlight, "In flight"),
        (Column.DeadLetters, "Dead"),
        (Column.ProducedRate, "In/s"),
        (Column.CompletedRate, "Done/s"),
        (Column.Oldest, "Oldest"),
    ];

    // Dropped first to last when the table does not fit.
    private static readonly Column[] s_dropOrder = [Column.Delayed, Column.ProducedRate, Column.CompletedRate, Column.InFlight];

    /// <summary>Lays the channels out for <paramref name="width"/> columns.</summary>
    /// <param name="channels">The channels, in the order to show.</param>
    /// <param name="rates">Rates by channel name; null when none were measured.</param>
    /// <param name="now">When the counts were taken: the oldest message's age is measured from it.</param>
    /// <param name="width">The terminal's width.</param>
    public static IRenderable Render(IReadOnlyList<ChannelSummary> channels, IReadOnlyDictionary<string, ChannelRates>? rates, DateTimeOffset now, int width)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var cells = channels.Select(c => (Channel: c, Cells: Cells(c, Rate(rates, c.Name), now))).ToList();
        var nameWidth = Math.Min(MinNameWidth, channels.Count == 0 ? 0 : channels.Max(c => c.Name.Length));
        for (var dropped = 0; dropped <= s_dropOrder.Length; dropped++)
        {
            var shown = s_columns.Select(c => c.Column).Except(s_dropOrder.Take(dropped)).ToList();
            // Each column takes its widest cell and a space either side (the simple border's padding).
            var needed = nameWidth + 2 + shown.Sum(column => 2 + Math.Max(Heading(column).Length, cells.Count == 0 ? 0 : cells.Max(row => row.Cells[column].Length)));
            if (needed <= width)
                return Table(cells, shown, rates);
        }
        return Blocks(cells);
    }

    private static Table Table(List<(ChannelSummary Channel, Dictionary<Column, string> Cells)> rows, List<Column> shown, IReadOnlyDictionary<string, ChannelRates>? rates)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("Channel"));
        foreach (var column in shown)
            table.AddColumn(new TableColumn(Heading(column)).RightAligned().NoWrap());
        foreach (var (channel, cells) in rows)
        {
            var rate = Rate(rates, channel.Name);
            table.AddRow([new Text(channel.Name), .. shown.Select(column => new Text(cells[column], StyleOf(column, channel, rate)))]);
        }
        return table;
    }

    // One block per channel: its name, then "label value" pairs laid out in columns that wrap between pairs, never
    // inside one.
    private static Rows Blocks(List<(ChannelSummary Channel, Dictionary<Column, string> Cells)> rows)
    {
        var blocks = new List<IRenderable>();
        foreach (var (channel, cells) in rows)
        {
            blocks.Add(new Text(channel.Name, new Style(decoration: Decoration.Bold)));
            var pairs = s_columns.Select(c => new Text($"{c.Heading.ToLowerInvariant()} {cells[c.Column]}"));
            blocks.Add(new Padder(new Columns(pairs).Collapse(), new Padding(2, 0, 0, 0)));
        }
        return new Rows(blocks);
    }

    private static Dictionary<Column, string> Cells(ChannelSummary channel, ChannelRates? rate, DateTimeOffset now) => new()
    {
        [Column.Ready] = Formats.Count(channel.Ready),
        [Column.Delayed] = Formats.Count(channel.Delayed),
        [Column.InFlight] = Formats.Count(channel.InFlight),
        [Column.DeadLetters] = Formats.Count(channel.DeadLetters),
        [Column.ProducedRate] = Formats.Rate(rate?.ProducedPerSecond),
        [Column.CompletedRate] = Formats.Rate(rate?.CompletedPerSecond),
        [Column.Oldest] = channel.OldestProducedAt is { } oldest ? Formats.Age(now - oldest) : "-",
    };

    private static string Heading(Column column) => s_columns.First(c => c.Column == column).Heading;

    private static ChannelRates? Rate(IReadOnlyDictionary<string, ChannelRates>? rates, string name) =>
        rates is not null && rates.TryGetValue(name, out var rate) ? rate : null;

    private static Style StyleOf(Column column, ChannelSummary channel, ChannelRates? rate) => column switch
    {
        Column.DeadLetters when channel.DeadLetters > 0 => new Style(Color.Red),
        // Work is waiting and none was completed over the interval: the cell a person looks for first.
        Column.Oldest when channel.Ready > 0 && rate is { CompletedPerSecond: 0 } => new Style(Color.Yellow),
        _ => Style.Plain,
    };
}
