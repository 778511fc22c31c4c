using Broker.Cli.Output;
using Broker.Cli.Settings;
using Broker.Transport;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary><c>broker dead-letters list &lt;channel&gt;</c>: a channel's dead letters in id order, with their tries and error.</summary>
internal sealed class DeadLetterListCommand(Terminal terminal) : BrokerCommand<PageSettings>(terminal)
{
    /// <summary>How much of an error a row shows; <c>dead-letters show</c> has all of it.</summary>
    private const int ErrorPreview = 200;

    /// <inheritdoc />
    protected override void CheckArguments(PageSettings settings) => settings.CheckPage();

    /// <inheritdoc />
    protected override async Task<int> RunAsync(BrokerSession session, PageSettings settings, CancellationToken cancellationToken)
    {
        await session.RequireChannelAsync(settings.Channel, cancellationToken).ConfigureAwait(false);
        var (entries, more) = await Paging.ReadAsync(
            settings.After,
            settings.Limit,
            async (after, limit) =>
            {
                var page = await session.Broker.ListDeadLettersAsync(settings.Channel, after, limit, cancellationToken).ConfigureAwait(false);
                return (page.Entries, page.More);
            },
            e => e.Id).ConfigureAwait(false);
        long? next = more && entries.Count > 0 ? entries[^1].Id : null;

        if (session.Json)
        {
            var documents = entries.Select(e => new DeadLetterSummaryDocument(e.Id, e.Tries, e.Error, e.ProducedAt, e.DeadLetteredAt, e.Priority, e.Payload.Length)).ToList();
            session.WriteJson(new DeadLetterListDocument(settings.Channel, documents, more, next), JsonOutput.Context.DeadLetterListDocument);
            return ExitCodes.Success;
        }
        var output = session.Terminal.Out;
        if (entries.Count == 0)
        {
            session.Say($"'{settings.Channel}' has no dead letters{(settings.After > 0 ? $" after id {settings.After}" : "")}.");
            return ExitCodes.Success;
        }
        output.Write(Table(entries, DateTimeOffset.UtcNow));
        session.Say($"{Formats.Plural(entries.Count, "dead letter")} of '{settings.Channel}'{(more ? $"; more follow: --after {next}" : "")}.");
        return ExitCodes.Success;
    }

    private static Table Table(IReadOnlyList<DeadLetterEntry> entries, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("Id").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("Tries").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("Dead for").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("Error"));
        foreach (var entry in entries)
        {
            table.AddRow(
                new Text(entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(entry.Tries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(Formats.Age(now - entry.DeadLetteredAt)),
                new Text(Formats.Printable(Preview(entry.Error)), new Style(Color.Red)));
        }
        return table;
    }

    // One line of the error: the first line, cut short; a stack trace below it belongs to `show`.
    private static string Preview(string? error)
    {
        if (string.IsNullOrEmpty(error))
            return "-";
        var line = error.AsSpan();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0)
            line = line[..end];
        return line.Length > ErrorPreview ? string.Concat(line[..ErrorPreview], "…") : line.ToString();
    }
}
