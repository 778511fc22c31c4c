using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Security;

/// <summary>
/// A stored password: <c>pbkdf2-sha256$iterations$salt$hash</c> (salt and hash in base64), so the server's
/// configuration never holds the password itself. <c>broker-server hash-password</c> makes one.
/// </summary>
internal sealed class PasswordHash
{
    private const string Scheme = "pbkdf2-sha256";
    private const int DefaultIterations = 210_000;
    private readonly int _iterations;
    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        _iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, DefaultIterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Scheme, DefaultIterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <exception cref="FormatException">Not a hash this server made.</exception>
    public static PasswordHash Parse(string text)
    {
        var parts = text.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1000)
            throw new FormatException($"--password-hash must look like {Scheme}$<iterations>$<salt>$<hash>; make one with 'broker-server hash-password'.");
        try
        {
            return new PasswordHash(iterations, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
        }
        catch (FormatException ex)
        {
            throw new FormatException("--password-hash has a salt or hash that is not base64; make one with 'broker-server hash-password'.", ex);
        }
    }

    public bool Verify(string password)
    {
        var candidate = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), _salt, _iterations, HashAlgorithmName.SHA256, _hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, _hash);
    }
}
