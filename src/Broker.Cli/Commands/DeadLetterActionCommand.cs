using Broker.Cli.Output;
using Broker.Cli.Settings;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary>
/// What <c>dead-letters redrive</c> and <c>dead-letters delete</c> share: choosing the dead letters (ids, <c>--all</c>,
/// <c>--error-contains</c>), the confirmation, a progress bar for many, and the summary.
/// </summary>
internal abstract class DeadLetterActionCommand(Terminal terminal) : BrokerCommand<DeadLetterSelectionSettings>(terminal)
{
    /// <summary>The action's name in JSON: <c>redrive</c>, <c>delete</c>.</summary>
    protected abstract string Action { get; }

    /// <summary>The verb of the question: "Re-drive", "Delete".</summary>
    protected abstract string Verb { get; }

    /// <summary>The past tense of the summary: "Re-drove", "Deleted".</summary>
    protected abstract string Done { get; }

    /// <summary>Acts on one dead letter; false when it is gone.</summary>
    protected abstract ValueTask<bool> ActAsync(BrokerSession session, string channel, long id, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override void CheckArguments(DeadLetterSelectionSettings settings) => settings.CheckSelection();

    /// <inheritdoc />
    protected sealed override async Task<int> RunAsync(BrokerSession session, DeadLetterSelectionSettings settings, CancellationToken cancellationToken)
    {
        var channel = settings.Channel;
        await session.RequireChannelAsync(channel, cancellationToken).ConfigureAwait(false);
        var selection = await DeadLetterSelection.SelectAsync(session.Broker, settings, cancellationToken).ConfigureAwait(false);
        if (selection.Ids.Count == 0)
        {
            if (selection.Missing.Count > 0)
                throw new CliException(ExitCodes.NotFound, $"'{channel}' has no dead letter with id {string.Join(", ", selection.Missing)}.");
            return Report(session, channel, selection, done: 0, gone: []);
        }
        if (!session.ReadOnly)
        {
            var question = $"{Verb} {Formats.Plural(selection.Ids.Count, "dead letter")} of '{channel}'{selection.Description}?";
            await Confirmation.RequireAsync(session.Terminal, settings.Yes, question, cancellationToken).ConfigureAwait(false);
        }

        var gone = new List<long>();
        var done = 0L;
        async Task RunAllAsync(Action step)
        {
            foreach (var id in selection.Ids)
            {
                try
                {
                    if (await ActAsync(session, channel, id, cancellationToken).ConfigureAwait(false))
                        done++;
                    else
                        gone.Add(id);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    session.Terminal.Error.MarkupLineInterpolated($"[yellow]Interrupted:[/] {Done.ToLowerInvariant()} {done} of {selection.Ids.Count} before stopping.");
                    throw;
                }
                step();
            }
        }
        if (selection.Ids.Count > 1 && session.Terminal.ShowsProgress && !session.Json)
        {
            await session.Terminal.Error.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask($"{Verb} {Markup.Escape(channel)}", maxValue: selection.Ids.Count);
                await RunAllAsync(() => task.Increment(1)).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        else
        {
            await RunAllAsync(static () => { }).ConfigureAwait(false);
        }
        return Report(session, channel, selection, done, gone);
    }

    private int Report(BrokerSession session, string channel, DeadLetterSelection selection, long done, List<long> gone)
    {
        // Ids named on the command line that are gone are the caller's mistake (not found); dead letters that a
        // selection found and that went before their turn (a worker or another operator got there first) are not.
        var missing = selection.Missing.Concat(selection.Explicit ? gone : []).ToList();
        if (session.Json)
        {
            session.WriteJson(new DeadLetterActionDocument(channel, Action, selection.Ids.Count + selection.Missing.Count, done, [.. selection.Missing, .. gone]), JsonOutput.Context.DeadLetterActionDocument);
        }
        else
        {
            if (selection.Ids.Count == 0)
                session.Say($"'{channel}' has no dead letters{selection.Description}; nothing to do.");
            else
                session.Say($"{Done} {Formats.Plural(done, "dead letter")} of '{channel}'.");
            if (!selection.Explicit && gone.Count > 0)
                session.Say($"{Formats.Plural(gone.Count, "dead letter was", "dead letters were")} gone before {Verb.ToLowerInvariant()} reached {(gone.Count == 1 ? "it" : "them")}.");
        }
        if (missing.Count == 0)
            return ExitCodes.Success;
        session.Terminal.Error.MarkupLineInterpolated($"[red]Not found:[/] '{channel}' has no dead letter with id {string.Join(", ", missing)}.");
        return ExitCodes.NotFound;
    }
}

/// <summary><c>broker dead-letters redrive</c>: moves dead letters back onto their channel with a fresh attempt budget.</summary>
internal sealed class DeadLetterRedriveCommand(Terminal terminal) : DeadLetterActionCommand(terminal)
{
    /// <inheritdoc />
    protected override string Action => "redrive";

    /// <inheritdoc />
    protected override string Verb => "Re-drive";

    /// <inheritdoc />
    protected override string Done => "Re-drove";

    /// <inheritdoc />
    protected override ValueTask<bool> ActAsync(BrokerSession session, string channel, long id, CancellationToken cancellationToken) =>
        session.Broker.RedriveDeadLetterAsync(channel, id, cancellationToken);
}

/// <summary><c>broker dead-letters delete</c>: deletes dead letters for good.</summary>
internal sealed class DeadLetterDeleteCommand(Terminal terminal) : DeadLetterActionCommand(terminal)
{
    /// <inheritdoc />
    protected override string Action => "delete";

    /// <inheritdoc />
    protected override string Verb => "Delete";

    /// <inheritdoc />
    protected override string Done => "Deleted";

    /// <inheritdoc />
    protected override ValueTask<bool> ActAsync(BrokerSession session, string channel, long id, CancellationToken cancellationToken) =>
        session.Broker.DeleteDeadLetterAsync(channel, id, cancellationToken);
}
