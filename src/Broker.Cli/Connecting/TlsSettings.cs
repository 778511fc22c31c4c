using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Cli.Connecting;

/// <summary>
/// The client's TLS settings from <c>--tls</c>, <c>--tls-host</c> and <c>--tls-ca</c>: the system's trust by default,
/// or one certificate trusted as the root (a private authority, or the server's self-signed certificate). The name in
/// the server's certificate is always checked.
/// </summary>
internal static class TlsSettings
{
    /// <summary>Creates the settings.</summary>
    /// <param name="server">The server address, whose host is the expected name without <paramref name="tlsHost"/>.</param>
    /// <param name="tlsHost">The name in the server's certificate, if not the host of the address.</param>
    /// <param name="tlsCa">A certificate file (PEM or DER) to trust as the root; null for the system's trust.</param>
    /// <exception cref="CliException">The certificate file is missing or is not a certificate (exit code <see cref="ExitCodes.Usage"/>).</exception>
    public static SslClientAuthenticationOptions Create(string server, string? tlsHost, string? tlsCa)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = tlsHost ?? HostOf(server) };
        if (tlsCa is not null)
        {
            var root = Load(tlsCa);
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedBy(root, certificate, chain, errors);
        }
        return options;
    }

    /// <summary>The host of <c>host:port</c>, <c>host</c> or <c>[ipv6]:port</c>.</summary>
    public static string HostOf(string server)
    {
        var text = server.Trim();
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? text[1..close] : text;
        }
        var colon = text.LastIndexOf(':');
        return colon > 0 && text.IndexOf(':', StringComparison.Ordinal) == colon ? text[..colon] : text;
    }

    private static X509Certificate2 Load(string path)
    {
        if (!File.Exists(path))
            throw new CliException(ExitCodes.Usage, $"--tls-ca: no file at {Path.GetFullPath(path)}.");
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException ex)
        {
            throw new CliException(ExitCodes.Usage, $"--tls-ca: {Path.GetFullPath(path)} is not a certificate (PEM or DER): {ex.Message}", ex);
        }
    }

    private static bool TrustedBy(X509Certificate2 root, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
            return true;
        // Only the chain may fail the system's check: a name that does not match stays a failure whatever the root.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(root);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        if (certificate is X509Certificate2 typed)
            return custom.Build(typed);
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(copy);
    }
}
