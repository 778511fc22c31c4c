using Broker.Cli.Output;
using Broker.Cli.Settings;
using Broker.Management;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>broker peek &lt;channel&gt;</c>: a channel's unfinished messages (ready, delayed, in flight) in id order, with
/// their delivery state, headers and payload as JSON. Never consumes: no lease, no delivery counted.
/// </summary>
internal sealed class PeekCommand(Terminal terminal) : BrokerCommand<PageSettings>(terminal)
{
    /// <inheritdoc />
    protected override void CheckArguments(PageSettings settings) => settings.CheckPage();

    /// <inheritdoc />
    protected override async Task<int> RunAsync(BrokerSession session, PageSettings settings, CancellationToken cancellationToken)
    {
        await session.RequireChannelAsync(settings.Channel, cancellationToken).ConfigureAwait(false);
        var (messages, more) = await Paging.ReadAsync(
            settings.After,
            settings.Limit,
            async (after, limit) =>
            {
                var page = await session.Broker.PeekAsync(settings.Channel, after, limit, cancellationToken).ConfigureAwait(false);
                return (page.Messages, page.More);
            },
            m => m.Id).ConfigureAwait(false);
        long? next = more && messages.Count > 0 ? messages[^1].Id : null;

        if (session.Json)
        {
            session.WriteJson(new PeekDocument(settings.Channel, [.. messages.Select(Document)], more, next), JsonOutput.Context.PeekDocument);
            return ExitCodes.Success;
        }
        if (messages.Count == 0)
        {
            session.Say($"'{settings.Channel}' has no unfinished messages{(settings.After > 0 ? $" after id {settings.After}" : "")}.");
            return ExitCodes.Success;
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var message in messages)
            Show(session.Terminal, message, now);
        session.Say($"{Formats.Plural(messages.Count, "message")} of '{settings.Channel}'{(more ? $"; more follow: --after {next}" : "")}.");
        return ExitCodes.Success;
    }

    private static void Show(Terminal terminal, PeekedMessage message, DateTimeOffset now)
    {
        var output = terminal.Out;
        var state = message.State switch
        {
            PeekedState.Ready => "[green]ready[/]",
            PeekedState.Delayed => "[blue]delayed[/]",
            _ => "[yellow]in flight[/]",
        };
        output.Write(new Rule($"[bold]message {message.Id}[/] · {state} · {Markup.Escape(Formats.Plural(message.DeliveryCount, "delivery", "deliveries"))}").LeftJustified());
        var details = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        details.AddRow("produced", Formats.TimeWithAge(message.ProducedAt, now));
        if (message.DueAt is { } due)
            details.AddRow("due", Formats.TimeWithAge(due, now));
        if (message.Priority != 0)
            details.AddRow("priority", message.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (headers, headerError) = PayloadView.Headers(message.Headers);
        foreach (var (key, value) in headers)
            details.AddRow(new Text("header"), new Text(Formats.Printable($"{key}: {value}")));
        if (headerError is not null)
            details.AddRow(new Text("headers"), new Text(headerError));
        output.Write(details);
        // The payload as it is, unwrapped, so it can be copied.
        terminal.RawOut.WriteLine(Formats.Printable(PayloadView.Decode(message.Payload).Text, multiline: true));
        terminal.RawOut.Flush();
    }

    private static MessageDocument Document(PeekedMessage message)
    {
        var state = message.State switch
        {
            PeekedState.Ready => "ready",
            PeekedState.Delayed => "delayed",
            _ => "inFlight",
        };
        return new MessageDocument(message.Id, state, message.DeliveryCount, message.ProducedAt, message.DueAt, message.Priority,
            PayloadView.Headers(message.Headers).Headers, message.Payload.Length, PayloadView.Decode(message.Payload).Json);
    }
}
