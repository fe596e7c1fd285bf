namespace Jobs.Node.Security;

/// <summary>
/// What the caller may see and act on: a <c>read</c>/<c>submit</c> key only its own tenant's jobs,
/// batches and DLQ entries (another tenant's look like they do not exist: 404); an <c>admin</c>
/// key (an operator) every tenant's. Submissions take the key's tenant.
/// </summary>
public static class TenantScope
{
    public static ApiPrincipal Principal(this HttpContext http) =>
        http.Items.TryGetValue(ApiPrincipal.ItemKey, out var p) && p is ApiPrincipal principal ? principal : ApiPrincipal.Loopback;

    public static bool Sees(this ApiPrincipal principal, string tenant) =>
        principal.Role == ApiRole.Admin || string.Equals(principal.Tenant, tenant, StringComparison.Ordinal);

    /// <summary>The tenant list queries are limited to: the caller's unless it is an admin (then whatever it asked, or all).</summary>
    public static string? ListTenant(this ApiPrincipal principal, string? asked) => principal.Role == ApiRole.Admin ? asked : principal.Tenant;

    /// <summary>
    /// The tenant a submission is stored under: the body's <c>tenant</c> when given by an admin,
    /// else the key's. A non-admin naming another tenant is refused (null + the reason).
    /// </summary>
    public static (string? Tenant, string? Refusal) SubmissionTenant(this ApiPrincipal principal, string? named) =>
        named is null ? (principal.Tenant, null)
        : principal.Role == ApiRole.Admin || named == principal.Tenant ? (named, null)
        : (null, $"this key belongs to tenant '{principal.Tenant}'; it cannot submit for '{named}'");
}
