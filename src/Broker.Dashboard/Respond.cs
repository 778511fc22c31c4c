using System.Text;
using Microsoft.AspNetCore.Http;

namespace Broker.Dashboard;

/// <summary>How every dashboard response goes out: with headers that keep its pages from being framed, sniffed or cached.</summary>
internal static class Respond
{
    /// <summary>
    /// Scripts, styles and requests from the dashboard's own origin only (its one script and stylesheet are files it
    /// serves, so no inline script or style is allowed), forms posting only there, and no framing at all.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void SecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
    }

    public static Task Html(HttpContext context, string page, int statusCode = StatusCodes.Status200OK)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        SecurityHeaders(response);
        // Pages show live counts and carry antiforgery tokens: never from a cache.
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(page, Encoding.UTF8, context.RequestAborted);
    }

    public static async Task Json(HttpContext context, byte[] body)
    {
        var response = context.Response;
        SecurityHeaders(response);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>303 See Other: after a change, the browser loads the page it names with a GET.</summary>
    public static void SeeOther(HttpContext context, string location)
    {
        SecurityHeaders(context.Response);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
    }
}
