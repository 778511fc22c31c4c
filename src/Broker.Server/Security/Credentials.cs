using System.Security.Cryptography;
using System.Text;
using Broker.Client.Protocol.Messages;
using Broker.Server.Configuration;

namespace Broker.Server.Security;

/// <summary>
/// What a client must present in its Authenticate frame: nothing, a token, or a user and password (which a Deepkit
/// client, having only a token, sends as <c>user:password</c>). Secrets are compared in constant time.
/// </summary>
internal sealed class Credentials
{
    private readonly byte[]? _tokenDigest;
    private readonly byte[]? _userDigest;
    private readonly byte[]? _passwordDigest;
    private readonly PasswordHash? _passwordHash;

    private Credentials(byte[]? tokenDigest, string? user, byte[]? passwordDigest, PasswordHash? passwordHash)
    {
        _tokenDigest = tokenDigest;
        User = user;
        _userDigest = user is null ? null : Digest(user);
        _passwordDigest = passwordDigest;
        _passwordHash = passwordHash;
    }

    public bool Required => _tokenDigest is not null || _userDigest is not null;

    /// <summary>The user name reported to authenticated clients (<c>token</c> for token authentication).</summary>
    public string? User { get; }

    /// <exception cref="FormatException">The password hash is malformed.</exception>
    public static Credentials From(BrokerServerOptions options) => new(
        options.Token is null ? null : Digest(options.Token),
        options.User,
        options.Password is null ? null : Digest(options.Password),
        options.PasswordHash is null ? null : PasswordHash.Parse(options.PasswordHash));

    /// <summary>Checks an Authenticate request.</summary>
    /// <returns>The user name to answer with, or null when the credentials are wrong.</returns>
    public string? Verify(in AuthenticateRequest request)
    {
        if (_tokenDigest is not null)
            return request.Token is { } token && CryptographicOperations.FixedTimeEquals(Digest(token), _tokenDigest) ? "token" : null;
        if (_userDigest is null)
            return "anonymous";

        var (user, password) = (request.User, request.Password);
        if (user is null && request.Token is { } combined && combined.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            (user, password) = (combined[..colon], combined[(colon + 1)..]);
        if (user is null || password is null)
            return null;
        // Both checks always run, so the time taken does not tell which one failed.
        var userMatches = CryptographicOperations.FixedTimeEquals(Digest(user), _userDigest);
        var passwordMatches = _passwordHash?.Verify(password) ?? CryptographicOperations.FixedTimeEquals(Digest(password), _passwordDigest);
        return userMatches && passwordMatches ? User : null;
    }

    // Comparing digests of equal length keeps the comparison constant-time whatever the lengths of the secrets.
    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
