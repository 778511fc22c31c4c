using Broker.Dashboard.Pages;
using Broker.Management;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Dashboard;

/// <summary>What the dashboard can change: re-drive or delete one dead letter, or re-drive all of a channel's.</summary>
internal enum Change
{
    Redrive,
    Delete,
    RedriveAll,
}

/// <summary>
/// The changes, each in two steps: a GET shows a confirmation page with a form, and its POST, carrying the antiforgery
/// token, makes the change and redirects (303) back to the dead letters with a notice. The token is validated here,
/// whatever middleware the application has, before anything is read or changed.
/// </summary>
internal static class ChangeHandlers
{
    public static async Task ConfirmAsync(HttpContext context, Dashboard dashboard, Change change)
    {
        if (await ChannelView.LoadAsync(context, dashboard, "channel").ConfigureAwait(false) is not { } view)
            return;
        var (urls, status, channel) = (view.Urls, view.Status, view.Channel);
        if (status.ReadOnly)
        {
            await ReadOnlyAsync(context, urls, status, status.ReadOnlyReason ?? "This view cannot change the broker.", channel.Name).ConfigureAwait(false);
            return;
        }
        long id = 0;
        if (change != Change.RedriveAll)
        {
            if (!Query.TryId(context, "id", required: true, out id, out var error))
            {
                await ChannelView.BadRequestAsync(context, dashboard, status, error!).ConfigureAwait(false);
                return;
            }
            if (await dashboard.Management(context).GetDeadLetterAsync(channel.Name, id, context.RequestAborted).ConfigureAwait(false) is null)
            {
                await Respond.Html(context, ProblemPage.Render(urls, status, "No such dead letter", $"Channel '{channel.Name}' has no dead letter {id}: it was re-driven or deleted already, or never was one.", urls.DeadLetters(channel.Name), "Back to the dead letters"), StatusCodes.Status404NotFound).ConfigureAwait(false);
                return;
            }
        }
        var tokens = Antiforgery(context).GetAndStoreTokens(context);
        var (question, detail, action, button) = change switch
        {
            Change.Redrive => ($"Re-drive message {id} of channel {channel.Name}?", "It goes back onto the channel with a fresh attempt budget, ready for a worker at once.", urls.Redrive(channel.Name, id), "Re-drive"),
            Change.Delete => ($"Delete message {id} of channel {channel.Name}?", "It is deleted for good: nothing can bring it back.", urls.Delete(channel.Name, id), "Delete"),
            _ => ($"Re-drive all {channel.DeadLetters:N0} dead letters of channel {channel.Name}?", "Each goes back onto the channel with a fresh attempt budget, ready for a worker at once. Messages dead-lettered after this page was shown are left alone.", urls.RedriveAll(channel.Name) + "&upto=" + channel.LastId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Re-drive all"),
        };
        await Respond.Html(context, ConfirmPage.Render(urls, status, question, detail, action, button, urls.DeadLetters(channel.Name), tokens.FormFieldName, tokens.RequestToken!, danger: change == Change.Delete)).ConfigureAwait(false);
    }

    public static async Task ApplyAsync(HttpContext context, Dashboard dashboard, Change change)
    {
        var urls = dashboard.Urls(context);
        try
        {
            await Antiforgery(context).ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await Respond.Html(context, ProblemPage.Render(urls, null, "Not changed", "The form carried no valid antiforgery token, so nothing was changed. Load the page again and confirm from there."), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }
        var channel = Query.Text(context, "channel");
        long id = 0;
        string? error = null;
        if (channel is null)
            error = "The address names no channel: it needs '?channel=' and a channel name.";
        else if (change != Change.RedriveAll)
            Query.TryId(context, "id", required: true, out id, out error);
        else
            Query.TryId(context, "upto", required: true, out id, out error);
        if (error is not null)
        {
            await Respond.Html(context, ProblemPage.Render(urls, null, "Bad request", error), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }
        var management = dashboard.Management(context);
        var cancellation = context.RequestAborted;
        try
        {
            var location = change switch
            {
                Change.Redrive => urls.DeadLettersWithNotice(channel!, await management.RedriveDeadLetterAsync(channel!, id, cancellation).ConfigureAwait(false) ? Notice.Redriven : Notice.Gone, id),
                Change.Delete => urls.DeadLettersWithNotice(channel!, await management.DeleteDeadLetterAsync(channel!, id, cancellation).ConfigureAwait(false) ? Notice.Deleted : Notice.Gone, id),
                _ => urls.DeadLettersWithNotice(channel!, Notice.RedrivenAll, await RedriveAllAsync(management, channel!, id, cancellation).ConfigureAwait(false)),
            };
            Respond.SeeOther(context, location);
        }
        catch (ManagementReadOnlyException ex)
        {
            await ReadOnlyAsync(context, urls, null, ex.Message, channel!).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // An address edited by hand: a channel name the broker refuses says why, as a 400, not a server error.
            await Respond.Html(context, ProblemPage.Render(urls, null, "Bad request", ex.Message + " Nothing was changed."), StatusCodes.Status400BadRequest).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Re-drives the channel's dead letters with ids up to <paramref name="upTo"/> (the channel's last id when the
    /// confirmation was shown), a listing at a time. Going forward by id, a message that fails again and comes back to
    /// the dead letters is not re-driven a second time.
    /// </summary>
    private static async Task<long> RedriveAllAsync(IBrokerManagement management, string channel, long upTo, CancellationToken cancellationToken)
    {
        long redriven = 0;
        long after = 0;
        while (true)
        {
            var listing = await management.ListDeadLettersAsync(channel, after, Dashboard.RedriveBatch, cancellationToken).ConfigureAwait(false);
            foreach (var entry in listing.Entries)
            {
                if (entry.Id > upTo)
                    return redriven;
                if (await management.RedriveDeadLetterAsync(channel, entry.Id, cancellationToken).ConfigureAwait(false))
                    redriven++;
                after = entry.Id;
            }
            // A short listing is the last, whatever the broker's More says; a full one may have more behind it.
            if (listing.Entries.Count == 0 || (!listing.More && listing.Entries.Count < Dashboard.RedriveBatch))
                return redriven;
        }
    }

    private static Task ReadOnlyAsync(HttpContext context, DashboardUrls urls, BrokerStatus? status, string reason, string channel) =>
        Respond.Html(context, ProblemPage.Render(urls, status, "Read-only", reason + " Nothing was changed.", urls.DeadLetters(channel), "Back to the dead letters"), StatusCodes.Status409Conflict);

    private static IAntiforgery Antiforgery(HttpContext context) => context.RequestServices.GetRequiredService<IAntiforgery>();
}
