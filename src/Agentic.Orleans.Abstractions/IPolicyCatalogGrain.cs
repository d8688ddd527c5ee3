namespace Agentic.Orleans;

/// <summary>
/// Tenants' own guardrail policy files (one grain, key <see cref="Key"/>). Every silo enforces them: it reads the whole
/// catalog before its lifetimes run and asks for changes about every second.
/// </summary>
[Alias("agentic.IPolicyCatalogGrain")]
public interface IPolicyCatalogGrain : IGrainWithStringKey
{
    public const string Key = "policies";

    /// <summary>The tenant's file, or null when it has none.</summary>
    [Alias("get")]
    Task<TenantPolicyDocument?> GetAsync(string tenant);

    /// <summary>
    /// Stores the tenant's file in place of its previous one; <see cref="ArgumentException"/> naming every problem (file,
    /// line, column, reason) when it does not read as that tenant's policies.
    /// </summary>
    [Alias("put")]
    Task<TenantPolicyDocument> PutAsync(string tenant, string text);

    /// <summary>Removes the tenant's file; false when it had none.</summary>
    [Alias("delete")]
    Task<bool> DeleteAsync(string tenant);

    /// <summary>Every tenant's file, or null when the catalog is still at <paramref name="knownRevision"/>.</summary>
    [Alias("read-if-changed")]
    Task<PolicyCatalogChanges?> ReadIfChangedAsync(long knownRevision);
}
