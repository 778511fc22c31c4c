using System.Security.Cryptography;
using System.Text;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;

namespace Broker.Server.Security;

/// <summary>
/// What a client must present in its Authenticate frame: nothing, a token, or a user and password (which a Deepkit
/// client, having only a token, sends as <c>user:password</c>). Secrets are compared in constant time.
/// </summary>
/// <remarks>
/// Checking a token or a plain password is cheap and done at once (<see cref="Check"/>). Checking against a
/// <c>--password-hash</c> costs a PBKDF2 run, which the caller does through a <see cref="PasswordHashLimiter"/>
/// (<see cref="VerifyHash"/>). A password that passed once is remembered as an HMAC-SHA256 under a key made for this
/// process, so the same client's reconnects cost no PBKDF2 and never wait behind an attacker's guesses. Nothing is
/// remembered about wrong passwords: every wrong guess costs a full PBKDF2, before or after anyone logged in, so its
/// answer and its timing say nothing beyond "wrong".
/// </remarks>
internal sealed class Credentials
{
    private readonly byte[]? _tokenDigest;
    private readonly byte[]? _userDigest;
    private readonly byte[]? _passwordDigest;
    private readonly PasswordHash? _passwordHash;
    private readonly byte[] _rememberKey = RandomNumberGenerator.GetBytes(32);
    private volatile byte[]? _rememberedPassword;
    private long _hashVerifications;

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

    /// <summary>PBKDF2 runs so far (a test hook: a remembered password costs none).</summary>
    internal long HashVerifications => Interlocked.Read(ref _hashVerifications);

    /// <exception cref="FormatException">The password hash is malformed.</exception>
    public static Credentials From(BrokerServerOptions options) => new(
        options.Token is null ? null : Digest(options.Token),
        options.User,
        options.Password is null ? null : Digest(options.Password),
        options.PasswordHash is null ? null : PasswordHash.Parse(options.PasswordHash));

    /// <summary>Checks an Authenticate request as far as it can be checked cheaply.</summary>
    /// <returns>
    /// Accepted with the user name to answer with; refused; or, for a password that only PBKDF2 can check, the work for
    /// <see cref="VerifyHash"/>.
    /// </returns>
    public CredentialCheck Check(in AuthenticateRequest request)
    {
        if (_tokenDigest is not null)
            return request.Token is { } token && CryptographicOperations.FixedTimeEquals(Digest(token), _tokenDigest) ? CredentialCheck.Accept("token") : CredentialCheck.Refuse;
        if (_userDigest is null)
            return CredentialCheck.Accept("anonymous");

        var (user, password) = (request.User, request.Password);
        if (user is null && request.Token is { } combined && combined.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            (user, password) = (combined[..colon], combined[(colon + 1)..]);
        if (user is null || password is null)
            return CredentialCheck.Refuse;
        // Both checks always run, so the time taken does not tell which one failed.
        var userMatches = CryptographicOperations.FixedTimeEquals(Digest(user), _userDigest);
        if (_passwordHash is null)
            return CryptographicOperations.FixedTimeEquals(Digest(password), _passwordDigest) & userMatches ? CredentialCheck.Accept(User!) : CredentialCheck.Refuse;
        if (_rememberedPassword is { } remembered && CryptographicOperations.FixedTimeEquals(Remember(password), remembered) & userMatches)
            return CredentialCheck.Accept(User!);
        return CredentialCheck.NeedsHash(password, userMatches);
    }

    /// <summary>The expensive part of <see cref="Check"/>: PBKDF2 of the password against <c>--password-hash</c>.</summary>
    /// <returns>True when the user name was right and the password is (then <see cref="User"/> is the answer).</returns>
    public bool VerifyHash(string password, bool userMatches)
    {
        Interlocked.Increment(ref _hashVerifications);
        if (!_passwordHash!.Verify(password))
            return false;
        _rememberedPassword = Remember(password);
        return userMatches;
    }

    private byte[] Remember(string password) => HMACSHA256.HashData(_rememberKey, Encoding.UTF8.GetBytes(password));

    // Comparing digests of equal length keeps the comparison constant-time whatever the lengths of the secrets.
    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

/// <summary>The outcome of <see cref="Credentials.Check"/>.</summary>
/// <param name="User">The user name to answer with when accepted.</param>
/// <param name="Password">The password PBKDF2 must check, when <see cref="NeedsHashWork"/>.</param>
/// <param name="UserMatches">Whether the user name was right, for the hash check's verdict.</param>
internal readonly record struct CredentialCheck(string? User, string? Password, bool UserMatches)
{
    /// <summary>Refused: neither a user name nor work to do.</summary>
    public static CredentialCheck Refuse => default;

    public bool Accepted => User is not null;

    public bool NeedsHashWork => Password is not null;

    public static CredentialCheck Accept(string user) => new(user, null, true);

    public static CredentialCheck NeedsHash(string password, bool userMatches) => new(null, password, userMatches);
}
