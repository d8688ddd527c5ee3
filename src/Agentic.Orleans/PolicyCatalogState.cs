namespace Agentic.Orleans;

/// <summary>The stored state of <see cref="PolicyCatalogGrain"/>.</summary>
[GenerateSerializer, Alias("agentic.PolicyCatalogState")]
public sealed class PolicyCatalogState
{
    /// <summary>Grows with every change (UTC ticks, or one more), so that silos fetch the catalog only when it changed and never go back.</summary>
    [Id(0)]
    public long Revision { get; set; }

    [Id(1)]
    public Dictionary<string, TenantPolicyDocument> Tenants { get; init; } = new(StringComparer.Ordinal);
}
