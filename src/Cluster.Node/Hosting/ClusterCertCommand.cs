using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Jobs.Actors.Membership;

namespace Jobs.Node.Hosting;

/// <summary>
/// <c>Cluster.Node cluster-cert file</c>: makes the cluster certificate of a deployment once. When
/// the file is missing it writes a new self-signed certificate and key there (PKCS#12, encrypted
/// with JOBS_CLUSTER_TLS_CERT_PASSWORD, readable by this user only); when it exists it only checks
/// that it opens with that password and holds a key, so every start of the deployment keeps the
/// certificate the nodes already share. Exit 0: the file is usable; 1: it is not (the reason on stderr).
/// </summary>
public static class ClusterCertCommand
{
    public const string Name = "cluster-cert";
    public const string Subject = "CN=jobs-cluster";

    public static async Task<int> RunAsync(string[] args)
    {
        var password = Environment.GetEnvironmentVariable("JOBS_CLUSTER_TLS_CERT_PASSWORD");
        if (args.Length != 2)
            return await Fail($"usage: {Name} <file.p12> (with JOBS_CLUSTER_TLS_CERT_PASSWORD set)");
        if (string.IsNullOrEmpty(password))
            return await Fail("JOBS_CLUSTER_TLS_CERT_PASSWORD is empty: make one, e.g. `openssl rand -hex 24`");
        var path = args[1];
        if (File.Exists(path))
        {
            try
            {
                using var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password);
                if (!existing.HasPrivateKey) return await Fail($"{path} holds no private key: remove it to make a new one");
                Console.WriteLine($"cluster certificate {path} kept: {existing.Subject} ({existing.Thumbprint}), valid until {existing.NotAfter:u}");
                return 0;
            }
            catch (CryptographicException e)
            {
                return await Fail($"{path} does not open with JOBS_CLUSTER_TLS_CERT_PASSWORD ({e.Message}): use the password it was made with, or remove it to make a new one (every node must then restart)");
            }
        }
        using var certificate = ClusterCertificate.CreateSelfSigned(Subject, DateTimeOffset.UtcNow.Add(ClusterCertificate.Validity));
        var bytes = ClusterCertificate.ToPkcs12(certificate, password);
        var temp = path + ".tmp";
        // written whole, then renamed: a node never reads half a file
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(temp, create))
            await file.WriteAsync(bytes);
        File.Move(temp, path);
        Console.WriteLine($"cluster certificate {path} made: {certificate.Subject} ({certificate.Thumbprint}), valid until {certificate.NotAfter:u}");
        return 0;
    }

    private static async Task<int> Fail(string message)
    {
        await Console.Error.WriteLineAsync($"{Name}: {message}");
        return 1;
    }
}
