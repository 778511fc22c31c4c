using Broker.Cli.Output;
using Broker.Cli.Settings;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>broker purge &lt;channel&gt;</c>: removes every ready and delayed message for good. Messages in flight are left
/// to their workers; dead letters stay (<c>dead-letters delete --all</c> removes those).
/// </summary>
internal sealed class PurgeCommand(Terminal terminal) : BrokerCommand<ConfirmSettings>(terminal)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(BrokerSession session, ConfirmSettings settings, CancellationToken cancellationToken)
    {
        var channel = await session.RequireChannelAsync(settings.Channel, cancellationToken).ConfigureAwait(false);
        if (!session.ReadOnly)
        {
            var waiting = channel.Ready + channel.Delayed;
            var question = $"Purge '{channel.Name}': remove its {Formats.Plural(waiting, "waiting message")} ({Formats.Count(channel.Ready)} ready, {Formats.Count(channel.Delayed)} delayed) for good?";
            await Confirmation.RequireAsync(session.Terminal, settings.Yes, question, cancellationToken).ConfigureAwait(false);
        }
        var removed = await session.Broker.PurgeAsync(settings.Channel, cancellationToken).ConfigureAwait(false);
        if (session.Json)
            session.WriteJson(new PurgeDocument(settings.Channel, removed), JsonOutput.Context.PurgeDocument);
        else
            session.Say($"Purged '{settings.Channel}': removed {Formats.Plural(removed, "message")}.");
        return ExitCodes.Success;
    }
}
