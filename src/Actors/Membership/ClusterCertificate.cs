using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Jobs.Actors.Membership;

/// <summary>
/// A self-signed cluster certificate, the one every node of a deployment shares when
/// JOBS_CLUSTER_TLS_CA is unset (<see cref="ClusterTls"/>): its own root, usable for both ends of
/// a TLS connection. <c>Cluster.Node cluster-cert</c> writes one for the docker deployment.
/// </summary>
public static class ClusterCertificate
{
    /// <summary>RSA key size of a certificate made here.</summary>
    public const int KeySize = 3072;

    /// <summary>How long a certificate made here is valid; rotating it is a deployment step (docs/deployment.md).</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(5 * 365);

    private static readonly OidCollection ServerAndClient = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    /// <summary>A new self-signed certificate with its private key, valid from a day ago (clock skew between hosts) until <paramref name="notAfter"/>.</summary>
    public static X509Certificate2 CreateSelfSigned(string subject, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(KeySize);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ServerAndClient, false));
        var keyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(keyId);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter);
    }

    /// <summary>The certificate and key as PKCS#12 bytes, encrypted with AES-256 under <paramref name="password"/>.</summary>
    public static byte[] ToPkcs12(X509Certificate2 certificate, string password) =>
        certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
}
