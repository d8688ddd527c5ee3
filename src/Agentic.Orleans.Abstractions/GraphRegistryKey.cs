namespace Agentic.Orleans;

/// <summary>
/// The key of a tenant's registry of one graph: <c>{tenant}/{graph}</c>. Graphs are published per tenant, so that
/// one tenant's versions never collide with, or reveal, another's; a tenant id never contains '/'.
/// </summary>
public static class GraphRegistryKey
{
    public static string Of(string tenantId, string graphName)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        if (tenantId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"tenant id '{tenantId}' contains '/'", nameof(tenantId));
        }

        return tenantId + "/" + graphName;
    }

    /// <summary>The tenant and graph name a key names.</summary>
    public static (string TenantId, string GraphName) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < key.Length - 1
            ? (key[..slash], key[(slash + 1)..])
            : throw new ArgumentException($"graph registry key '{key}' is not '{{tenant}}/{{graph}}'", nameof(key));
    }
}
