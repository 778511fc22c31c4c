using Broker.Cli.Output;
using Broker.Cli.Settings;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary><c>broker dead-letters show &lt;channel&gt; &lt;id&gt;</c>: one dead letter, its whole error, headers and payload.</summary>
internal sealed class DeadLetterShowCommand(Terminal terminal) : BrokerCommand<DeadLetterShowSettings>(terminal)
{
    /// <inheritdoc />
    protected override void CheckArguments(DeadLetterShowSettings settings)
    {
        if (settings.Id <= 0)
            throw new CliException(ExitCodes.Usage, $"A message id is a positive number (got {settings.Id}).");
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(BrokerSession session, DeadLetterShowSettings settings, CancellationToken cancellationToken)
    {
        await session.RequireChannelAsync(settings.Channel, cancellationToken).ConfigureAwait(false);
        var entry = await session.Broker.GetDeadLetterAsync(settings.Channel, settings.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new CliException(ExitCodes.NotFound, $"'{settings.Channel}' has no dead letter with id {settings.Id}. `broker dead-letters list {settings.Channel}` lists them.");
        var (headers, headerError) = PayloadView.Headers(entry.Headers);
        var (payload, json) = PayloadView.Decode(entry.Payload);

        if (session.Json)
        {
            session.WriteJson(
                new DeadLetterDocument(entry.Id, entry.Channel, entry.Tries, entry.Error, entry.ProducedAt, entry.DeadLetteredAt, entry.Priority, headers, entry.Payload.Length, json),
                JsonOutput.Context.DeadLetterDocument);
            return ExitCodes.Success;
        }
        var now = DateTimeOffset.UtcNow;
        var output = session.Terminal.Out;
        output.Write(new Rule($"[bold]dead letter {entry.Id}[/] of {Markup.Escape(entry.Channel)} · {Markup.Escape(Formats.Plural(entry.Tries, "try", "tries"))}").LeftJustified());
        var details = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        details.AddRow(new Text("produced"), new Text(Formats.TimeWithAge(entry.ProducedAt, now)));
        details.AddRow(new Text("dead-lettered"), new Text(Formats.TimeWithAge(entry.DeadLetteredAt, now)));
        if (entry.Priority != 0)
            details.AddRow(new Text("priority"), new Text(entry.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var (key, value) in headers)
            details.AddRow(new Text("header"), new Text(Formats.Printable($"{key}: {value}")));
        if (headerError is not null)
            details.AddRow(new Text("headers"), new Text(headerError));
        output.Write(details);
        output.MarkupLine("[bold]error[/]");
        session.Terminal.RawOut.WriteLine(string.IsNullOrEmpty(entry.Error) ? "(none recorded)" : Formats.Printable(entry.Error, multiline: true));
        output.MarkupLine("[bold]payload[/]");
        session.Terminal.RawOut.WriteLine(Formats.Printable(payload, multiline: true));
        session.Terminal.RawOut.Flush();
        return ExitCodes.Success;
    }
}
