using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>A self-signed certificate for localhost, made for each test run.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> s_localhost = new(Create);

    public static X509Certificate2 Localhost => s_localhost.Value;

    /// <summary>Client TLS settings that trust exactly <see cref="Localhost"/>.</summary>
    public static SslClientAuthenticationOptions TrustLocalhost() => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == Localhost.GetCertHashString(),
    };

    /// <summary>Writes the certificate and its key as PEM files, as an operator would give them to the server.</summary>
    public static (string Certificate, string Key) WritePem(string directory)
    {
        var certificate = Path.Combine(directory, "server.crt");
        var key = Path.Combine(directory, "server.key");
        File.WriteAllText(certificate, Localhost.ExportCertificatePem());
        File.WriteAllText(key, Localhost.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificate, key);
    }

    private static X509Certificate2 Create()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
