using System.Security.Cryptography.X509Certificates;
using Broker.Server.Configuration;

namespace Broker.Server.Security;

/// <summary>Loads the server's TLS certificate: a PKCS#12 file (.pfx/.p12), or a PEM certificate with its PEM key.</summary>
internal static class TlsCertificates
{
    /// <returns>The certificate, or null when TLS is not configured.</returns>
    /// <exception cref="InvalidOperationException">The files cannot be read; the message names them.</exception>
    public static X509Certificate2? Load(BrokerServerOptions options)
    {
        if (options.TlsCertificate is not { } path)
            return null;
        try
        {
            X509Certificate2 certificate;
            if (options.TlsKey is { } key)
            {
                certificate = options.TlsPassword is { } keyPassword
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, keyPassword, key)
                    : X509Certificate2.CreateFromPemFile(path, key);
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.TlsPassword);
            }
            if (!certificate.HasPrivateKey)
                throw new InvalidOperationException($"The TLS certificate '{path}' has no private key; give a .pfx with its key, or --tls-key with a PEM key.");
            return certificate;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot load the TLS certificate '{path}'{(options.TlsKey is null ? "" : $" with key '{options.TlsKey}'")}: {ex.Message}", ex);
        }
    }
}
