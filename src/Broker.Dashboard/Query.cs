using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>Reads the dashboard's query values, refusing malformed ones with a message that names them.</summary>
internal static class Query
{
    public static string? Text(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>A message id (or "after" position): null with an error when it is there but not a non-negative number.</summary>
    public static bool TryId(HttpContext context, string name, bool required, out long id, out string? error)
    {
        id = 0;
        error = null;
        var text = Text(context, name);
        if (text is null)
        {
            if (required)
                error = $"The address has no '{name}': it names the message.";
            return !required;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id))
            return true;
        error = $"'{name}' must be a message id, a whole number of 0 or more; it is '{text}'.";
        return false;
    }
}
