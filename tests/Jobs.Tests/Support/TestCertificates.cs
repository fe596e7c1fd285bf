using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Jobs.Actors.Membership;

namespace Jobs.Tests.Support;

/// <summary>Certificates made in the test (<see cref="CertificateRequest"/>): self-signed ones, a CA and certificates it issues, written as the files a node reads.</summary>
public static class TestCertificates
{
    private static readonly OidCollection ServerAndClient = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    /// <summary>
    /// A self-signed certificate for both ends of a TLS connection, its own root, as
    /// <c>Cluster.Node cluster-cert</c> makes one (so it can also stand in a list of trusted certificates).
    /// </summary>
    public static X509Certificate2 SelfSigned(string subject) => ClusterCertificate.CreateSelfSigned(subject, DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>A CA certificate (with its key) that can issue node certificates.</summary>
    public static X509Certificate2 Authority(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(60));
    }

    /// <summary>A node certificate issued by <paramref name="authority"/>, with its own key.</summary>
    public static X509Certificate2 IssuedBy(X509Certificate2 authority, string subject)
    {
        using var key = RSA.Create(2048);
        var request = Leaf(subject, key);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate and its key as a PKCS#12 file; returns its path.</summary>
    public static string WritePkcs12(X509Certificate2 certificate, string dir, string name, string password)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, ClusterCertificate.ToPkcs12(certificate, password));
        return path;
    }

    /// <summary>Writes the certificate alone (no key) as PEM; returns its path.</summary>
    public static string WritePem(X509Certificate2 certificate, string dir, string name)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>A node certificate request: no CA, signing and key exchange, server and client authentication.</summary>
    private static CertificateRequest Leaf(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ServerAndClient, false));
        return request;
    }
}
