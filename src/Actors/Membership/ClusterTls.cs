using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Jobs.Actors.Settings;

namespace Jobs.Actors.Membership;

/// <summary>
/// Mutual TLS between nodes (JOBS_CLUSTER_TLS_CERT, JOBS_CLUSTER_TLS_CERT_PASSWORD,
/// JOBS_CLUSTER_TLS_CA). Akka.Remote's DotNetty transport runs TLS with this node's certificate
/// on both ends of every connection and, with mutual authentication required, makes the
/// accepting side demand a client certificate; <see cref="Validator"/> decides, on both sides,
/// whether the peer's certificate is the cluster's:
/// <list type="bullet">
/// <item>without a CA: the peer must present the very certificate this node has (one cluster
/// certificate, shared by every node, compared byte for byte);</item>
/// <item>with JOBS_CLUSTER_TLS_CA: the peer's certificate must chain to one of those CA
/// certificates (the system's roots are not consulted), so each node can have its own.</item>
/// </list>
/// Either way it must be within its validity period. Host names are not checked (nodes are
/// reached by addresses that change). A peer refused here never completes the handshake, so it
/// can neither join nor send a single message.
/// </summary>
public sealed class ClusterTls
{
    private readonly X509Certificate2Collection? _authorities;

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection? authorities)
    {
        Certificate = certificate;
        _authorities = authorities;
    }

    /// <summary>This node's certificate (with its private key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>How peers are trusted, for the start-up log (no secret in it).</summary>
    public string Describe() => _authorities is null
        ? $"certificate {Certificate.Subject} ({Certificate.Thumbprint}); peers must present the same certificate"
        : $"certificate {Certificate.Subject} ({Certificate.Thumbprint}); peers must present a certificate issued by {string.Join(", ", _authorities.Select(a => a.Subject))}";

    /// <summary>The settings' TLS, or null when JOBS_CLUSTER_TLS_CERT is unset (plain TCP). Throws <see cref="InvalidOperationException"/> naming what is wrong.</summary>
    public static ClusterTls? Load(MembershipOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.TlsCert))
        {
            if (!string.IsNullOrEmpty(o.TlsCertPassword) || !string.IsNullOrWhiteSpace(o.TlsCa))
                throw new InvalidOperationException("JOBS_CLUSTER_TLS_CERT_PASSWORD and JOBS_CLUSTER_TLS_CA need JOBS_CLUSTER_TLS_CERT (the node's PKCS#12 certificate)");
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(o.TlsCert, o.TlsCertPassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"JOBS_CLUSTER_TLS_CERT='{o.TlsCert}' could not be read as a PKCS#12 file with JOBS_CLUSTER_TLS_CERT_PASSWORD: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"JOBS_CLUSTER_TLS_CERT='{o.TlsCert}' holds no private key: the node needs its own key to prove the certificate is its");
        if (!WithinValidity(certificate))
            throw new InvalidOperationException($"JOBS_CLUSTER_TLS_CERT='{o.TlsCert}' is valid only from {certificate.NotBefore:u} to {certificate.NotAfter:u}");
        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(o.TlsCa))
        {
            authorities = LoadAuthorities(o.TlsCa);
            var tls = new ClusterTls(certificate, authorities);
            if (!tls.Trusts(certificate, null))
                throw new InvalidOperationException($"JOBS_CLUSTER_TLS_CERT='{o.TlsCert}' is not issued by the CA of JOBS_CLUSTER_TLS_CA='{o.TlsCa}': the other nodes would refuse it");
            return tls;
        }
        return new ClusterTls(certificate, null);
    }

    /// <summary>What is wrong with the TLS settings (files, password, CA), or null; for the start-up check.</summary>
    public static string? Problem(MembershipOptions o)
    {
        try
        {
            _ = Load(o);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>Is the peer's certificate the cluster's (see the class summary)?</summary>
    public bool Trusts(X509Certificate2? peer, X509Chain? presented)
    {
        if (peer is null || !WithinValidity(peer)) return false;
        if (_authorities is null) return peer.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // intermediates the peer sent along
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(peer.RawDataMemory.Span))
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(peer);
    }

    /// <summary>The check Akka's transport runs on the peer's certificate, on both sides of a connection; a refusal is logged.</summary>
    public CertificateValidationCallback Validator => (peer, chain, remote, _, log) =>
    {
        if (Trusts(peer, chain)) return true;
        log.Warning("cluster TLS: refused the connection with {0}: {1}", remote,
            peer is null ? "it presented no certificate" : $"its certificate {peer.Subject} ({peer.Thumbprint}) is not trusted by this cluster");
        return false;
    };

    private static bool WithinValidity(X509Certificate2 c) => DateTime.Now >= c.NotBefore && DateTime.Now <= c.NotAfter;

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        try
        {
            var authorities = new X509Certificate2Collection();
            if (File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal)) authorities.ImportFromPemFile(path);
            else authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            return authorities.Count > 0 ? authorities : throw new InvalidOperationException($"JOBS_CLUSTER_TLS_CA='{path}' holds no certificate");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"JOBS_CLUSTER_TLS_CA='{path}' could not be read as a PEM or DER certificate: {e.Message}", e);
        }
    }
}
