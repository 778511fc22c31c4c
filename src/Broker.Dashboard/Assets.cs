using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>The stylesheet and script, embedded in this assembly and served by the dashboard itself: nothing from elsewhere.</summary>
internal static class Assets
{
    public static readonly byte[] Stylesheet = Read("Broker.Dashboard.dashboard.css");

    public static readonly byte[] Script = Read("Broker.Dashboard.dashboard.js");

    public static async Task ServeAsync(HttpContext context, byte[] content, string contentType)
    {
        var response = context.Response;
        Respond.SecurityHeaders(response);
        // Small, and they change with the assembly: a short cache is enough.
        response.Headers.CacheControl = "private, max-age=300";
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        await response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The dashboard assembly has no resource {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
