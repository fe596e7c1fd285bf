using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Jobs.Node.Security;

public enum ApiRole { Read, Submit, Admin }

/// <summary>Who is calling: the tenant and role of the key presented (or the loopback caller when no keys exist).</summary>
public sealed record ApiPrincipal(string Tenant, ApiRole Role)
{
    public const string ItemKey = "jobs.principal";

    /// <summary>Without configured keys every (loopback) caller acts as admin of the default tenant.</summary>
    public static readonly ApiPrincipal Loopback = new("default", ApiRole.Admin);

    public bool Allows(ApiRole needed) => Role switch
    {
        ApiRole.Admin => true,
        ApiRole.Submit => needed is ApiRole.Submit or ApiRole.Read,
        _ => needed == ApiRole.Read,
    };
}

/// <summary>
/// The keys of JOBS_API_KEYS (<c>key:tenant:role;…</c>). Only SHA-256 hashes of the keys are kept;
/// a presented key is hashed and compared in fixed time. Keys never reach a log.
/// </summary>
public sealed partial class ApiKeys
{
    private readonly List<(byte[] Hash, ApiPrincipal Principal)> _keys;

    private ApiKeys(List<(byte[] Hash, ApiPrincipal Principal)> keys) => _keys = keys;

    public static readonly ApiKeys None = new([]);

    /// <summary>How the example settings (docker/.env.example) mark a key to replace: such a key is refused, so the example never runs with a published key.</summary>
    public const string PlaceholderPrefix = "replace-with-";

    public bool Configured => _keys.Count > 0;

    public int Count => _keys.Count;

    /// <summary>Parses the variable; a malformed entry stops the node with a message that names the entry by position (never the key).</summary>
    public static ApiKeys Parse(string? spec)
    {
        var keys = new List<(byte[], ApiPrincipal)>();
        var entries = (spec ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var parts = entries[i].Split(':');
            if (parts.Length != 3)
                throw new InvalidOperationException($"JOBS_API_KEYS entry {i + 1} is invalid: expected key:tenant:role");
            var (key, tenant, role) = (parts[0], parts[1], parts[2]);
            if (key.Length < 16)
                throw new InvalidOperationException($"JOBS_API_KEYS entry {i + 1}: the key must be at least 16 characters");
            if (key.StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"JOBS_API_KEYS entry {i + 1}: the key is the placeholder of docker/.env.example; make a real one, e.g. `openssl rand -hex 32`");
            if (!TenantName().IsMatch(tenant))
                throw new InvalidOperationException($"JOBS_API_KEYS entry {i + 1}: tenant '{tenant}' is invalid, expected [a-z0-9-]{{1,64}}");
            if (!Enum.TryParse<ApiRole>(role, ignoreCase: true, out var r) || !Enum.IsDefined(r) || int.TryParse(role, out _))
                throw new InvalidOperationException($"JOBS_API_KEYS entry {i + 1}: role '{role}' is invalid, expected submit, read or admin");
            keys.Add((Hash(key), new ApiPrincipal(tenant, r)));
        }
        return new ApiKeys(keys);
    }

    /// <summary>The principal of a presented key, or null if no configured key matches.</summary>
    public ApiPrincipal? Find(string presented)
    {
        var hash = Hash(presented);
        ApiPrincipal? found = null;
        foreach (var (h, p) in _keys)
            if (CryptographicOperations.FixedTimeEquals(h, hash)) found ??= p; // no early exit: time does not depend on the position
        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Whether <paramref name="name"/> can be a tenant: <c>[a-z0-9-]{1,64}</c>, as in a key's entry.</summary>
    public static bool IsTenantName(string name) => TenantName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex TenantName();
}
