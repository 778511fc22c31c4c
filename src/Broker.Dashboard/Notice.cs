using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>
/// The line a page shows after a change redirected to it. The address carries a code and a number, never the text, so
/// a link someone crafts cannot make the dashboard say anything else.
/// </summary>
internal static class Notice
{
    public const string Redriven = "redriven";
    public const string Deleted = "deleted";
    public const string Gone = "gone";
    public const string RedrivenAll = "redriven-all";

    public static string? From(HttpContext context)
    {
        var code = Query.Text(context, "done");
        if (code is null || !Query.TryId(context, "n", required: true, out var n, out _))
            return null;
        return code switch
        {
            Redriven => $"Message {n} was re-driven: it is ready for a worker again.",
            Deleted => $"Message {n} was deleted.",
            Gone => $"Message {n} is no longer a dead letter: it was re-driven or deleted already.",
            RedrivenAll => n == 1 ? "1 dead letter was re-driven." : $"{n} dead letters were re-driven.",
            _ => null,
        };
    }
}
