using Broker.Cli.Settings;
using Broker.Management;

namespace Broker.Cli.Commands;

/// <summary>
/// The dead letters a redrive or delete acts on, chosen before anything changes: ids named on the command line (each
/// looked up, so a wrong one is reported before the question), or every dead letter, or those whose error contains a
/// text, read page by page. Only ids are kept, so a selection of a million dead letters takes 8 MB, not their payloads.
/// </summary>
/// <param name="Ids">The dead letters to act on, in id order for a selection, in command-line order for named ids.</param>
/// <param name="Missing">Ids named on the command line that the channel has no dead letter for.</param>
/// <param name="Explicit">Whether the ids were named on the command line.</param>
/// <param name="Description">How the selection reads after "of 'channel'": "", " whose error contains 'timeout'".</param>
internal sealed record DeadLetterSelection(IReadOnlyList<long> Ids, IReadOnlyList<long> Missing, bool Explicit, string Description)
{
    /// <summary>Makes the selection.</summary>
    public static async Task<DeadLetterSelection> SelectAsync(IBrokerManagement broker, DeadLetterSelectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Ids.Length > 0)
        {
            var found = new List<long>();
            var missing = new List<long>();
            foreach (var id in settings.Ids.Distinct())
            {
                var entry = await broker.GetDeadLetterAsync(settings.Channel, id, cancellationToken).ConfigureAwait(false);
                (entry is null ? missing : found).Add(id);
            }
            return new DeadLetterSelection(found, missing, Explicit: true, "");
        }
        var text = settings.ErrorContains;
        var ids = new List<long>();
        var after = 0L;
        while (true)
        {
            var page = await broker.ListDeadLettersAsync(settings.Channel, after, Paging.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                if (text is null || (entry.Error?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false))
                    ids.Add(entry.Id);
            }
            // A full page is read on even when it says nothing more follows; an empty one ends the reading.
            if (page.Entries.Count == 0 || (!page.More && page.Entries.Count < Paging.PageSize))
                break;
            after = page.Entries[^1].Id;
        }
        return new DeadLetterSelection(ids, [], Explicit: false, text is null ? "" : $" whose error contains '{text}'");
    }
}
