using System.Net;
using System.Text;
using Broker.Protocol.Messages;
using Broker.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Broker.Server.Dashboard;

/// <summary>
/// The dashboard asks for the server's own credentials, over HTTP Basic: the user and its password, or any user name
/// with the token as the password. The checking is the queue listener's (<see cref="Credentials"/>, constant-time, its
/// PBKDF2 limiter for a password hash) and so is the failure throttle: guesses over HTTP and over the protocol use up
/// the same budget per source address.
/// </summary>
internal sealed class BasicAuthentication(Credentials credentials, AuthenticationThrottle throttle, PasswordHashLimiter passwordHashes)
{
    /// <summary>What the browser shows when it asks for credentials.</summary>
    public const string Challenge = "Basic realm=\"broker-server\", charset=\"UTF-8\"";

    /// <summary>Whether the server has credentials, so that every request must present them.</summary>
    public bool Required => credentials.Required;

    /// <summary>Lets the request through when it may pass; otherwise answers it (401, 429 or 503) and returns false.</summary>
    public async Task<bool> AdmitAsync(HttpContext context)
    {
        if (!credentials.Required)
            return true;
        var presented = Parse(context.Request.Headers.Authorization.ToString());
        if (presented is not { } pair)
        {
            // No attempt made (a browser asks without credentials first): nothing to throttle.
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "The dashboard needs the server's credentials: the user and password, or any user name with the token as the password.").ConfigureAwait(false);
            return false;
        }
        var source = ClientAddress.SourceOf(context.Connection.RemoteIpAddress ?? IPAddress.None);
        if (!throttle.TryAcquire(source, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, "Too many failed attempts from this address: wait, then try again.").ConfigureAwait(false);
            return false;
        }
        // A token server takes the password as the token, whatever the user name; a user server takes both.
        var request = credentials.User is null ? new AuthenticateRequest(pair.Password, null, null) : new AuthenticateRequest(null, pair.User, pair.Password);
        var check = credentials.Check(request);
        var accepted = check.Accepted;
        if (!accepted && check.NeedsHashWork)
        {
            var verified = await passwordHashes.RunAsync(source, () => credentials.VerifyHash(check.Password!, check.UserMatches), context.RequestAborted).ConfigureAwait(false);
            if (verified is null)
            {
                throttle.Refund(source);
                await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "Too many password checks are waiting: try again in a moment.").ConfigureAwait(false);
                return false;
            }
            accepted = verified.Value;
        }
        if (accepted)
        {
            throttle.Refund(source);
            return true;
        }
        await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Wrong credentials.").ConfigureAwait(false);
        return false;
    }

    /// <summary>The user and password of a <c>Basic</c> Authorization header; null when there is none or it is malformed.</summary>
    internal static (string User, string Password)? Parse(string header)
    {
        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var encoded = header.AsSpan(Scheme.Length).Trim();
        // Far more than any real user and password; the header limit bounds it anyway.
        if (encoded.Length is 0 or > 8 * 1024)
            return null;
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
            return null;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
            response.Headers[HeaderNames.WWWAuthenticate] = Challenge;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
